package dev.fulcrum.health;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;

/** Resolves origin addresses without blocking the scheduler: literals inline, host names on the blocking pool. */
final class Addresses {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Addresses() {
    }

    static boolean isLiteral(String address) {
        return address.indexOf(':') >= 0 || IPV4.matcher(address).matches();
    }

    /** Completes with the address, or exceptionally with {@link UnknownHostException}. */
    static CompletableFuture<InetAddress> resolve(String address, Executor blocking) {
        final String host = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
        if (isLiteral(host)) {
            try {
                // A literal is parsed, never looked up.
                return CompletableFuture.completedFuture(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        final CompletableFuture<InetAddress> resolved = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                try {
                    resolved.complete(InetAddress.getByName(host));
                } catch (UnknownHostException | RuntimeException e) {
                    resolved.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            resolved.completeExceptionally(e);
        }
        return resolved;
    }
}
