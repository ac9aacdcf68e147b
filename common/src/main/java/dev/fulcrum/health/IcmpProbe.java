package dev.fulcrum.health;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The icmp_ping probe, as far as the JVM allows: {@link InetAddress#isReachable(int)}.
 *
 * <p>What is really sent: with the privilege to open a raw socket (root or CAP_NET_RAW on Linux) the JDK sends an
 * ICMP echo request and waits for the reply; without it, it tries a TCP connection to port 7 (echo) and counts a
 * completed handshake <em>or a refusal</em> as reachable, so a host behind a firewall that drops port 7 looks down.
 * The call blocks, so it runs on the small bounded blocking pool, never on the scheduler. No reply within the
 * timeout is reported as {@code TCP Timeout} (the closed vocabulary has no ICMP wording) and is retried as a timeout.
 */
final class IcmpProbe implements Probe {

    private final Executor blocking;
    private final Ticker ticker;

    IcmpProbe(Executor blocking, Ticker ticker) {
        this.blocking = blocking;
        this.ticker = ticker;
    }

    @Override
    public CompletableFuture<ProbeResult> attempt(ProbeTarget target) {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        try {
            blocking.execute(() -> result.complete(ping(target)));
        } catch (RejectedExecutionException e) {
            result.complete(ProbeResult.fail(FailureReason.OTHER));
        }
        return result;
    }

    private ProbeResult ping(ProbeTarget target) {
        final long start = ticker.read();
        try {
            final String host = target.address().startsWith("[") && target.address().endsWith("]")
                    ? target.address().substring(1, target.address().length() - 1) : target.address();
            final InetAddress address = InetAddress.getByName(host);
            final long left = target.timeout().toMillis() - (ticker.read() - start) / 1_000_000;
            if (left <= 0) {
                return ProbeResult.fail(FailureReason.TCP_TIMEOUT);
            }
            return address.isReachable((int) left)
                    ? ProbeResult.pass(0, ticker.read() - start)
                    : ProbeResult.fail(FailureReason.TCP_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            return ProbeResult.fail(Failures.classify(e, FailureReason.TCP_TIMEOUT));
        }
    }
}
