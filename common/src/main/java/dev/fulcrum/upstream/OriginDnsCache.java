package dev.fulcrum.upstream;

import dev.fulcrum.net.OriginTls;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * The upstream client's origin name lookups, each answer kept for at most {@link #TTL} (spec §2.1: "Resolved FQDNs
 * are cached for up to 5 s"), failures included, so that a dead name is not looked up again for every connection.
 *
 * <p>Lookups run only when a connection is opened, never per request. A fresh answer completes the caller inline:
 * a lock-free map read, no thread hand-off. A stale or missing one goes to the delegate, Jetty's
 * {@code SocketAddressResolver.Async}, which runs the blocking {@code InetAddress.getAllByName} on the client's
 * thread pool (never a selector) under a timeout. Concurrent misses for one name each look it up; the JVM's own
 * cache answers all but the first.
 *
 * <p>Failure: any failure of the lookup (unknown name, empty answer, timeout) becomes an
 * {@link OriginNameUnresolved}, which {@link UpstreamErrors} answers as an origin DNS error.
 *
 * <p>Beneath this cache sits the JVM's, which keeps positive answers 30 s unless {@code networkaddress.cache.ttl}
 * (or {@code -Dsun.net.inetaddr.ttl}) says otherwise; the first name looked up logs once when it is above 5 s, since
 * only the operator can lower it (the JVM reads it once, before any container starts Fulcrum).
 */
final class OriginDnsCache implements SocketAddressResolver {

    static final Duration TTL = Duration.ofSeconds(5);
    /** More names than any configuration holds; beyond it the cache starts over (configuration churn). */
    private static final int MAX_NAMES = 10_000;
    private static final int JVM_DEFAULT_TTL_SECONDS = 30;
    private static final AtomicBoolean JVM_TTL_CHECKED = new AtomicBoolean();

    private final SocketAddressResolver lookup;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Answer> answers = new ConcurrentHashMap<>();

    OriginDnsCache(SocketAddressResolver lookup) {
        this(lookup, System::nanoTime);
    }

    /** With the monotonic time source {@code nanoTime} (tests advance it). */
    OriginDnsCache(SocketAddressResolver lookup, LongSupplier nanoTime) {
        this.lookup = lookup;
        this.nanoTime = nanoTime;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        final Answer cached = answers.get(host);
        if (cached != null && nanoTime.getAsLong() - cached.atNanos < TTL.toNanos()) {
            cached.complete(host, port, promise);
            return;
        }
        if (!OriginTls.isIpLiteral(host) && JVM_TTL_CHECKED.compareAndSet(false, true)) {
            warnAboutTheJvmCache();
        }
        lookup.resolve(host, port, context, new Promise<>() {
            @Override
            public void succeeded(List<InetSocketAddress> resolved) {
                final List<InetAddress> addresses = new ArrayList<>(resolved.size());
                for (final InetSocketAddress address : resolved) {
                    addresses.add(address.getAddress());
                }
                remember(host, new Answer(List.copyOf(addresses), null, nanoTime.getAsLong()));
                promise.succeeded(resolved);
            }

            @Override
            public void failed(Throwable failure) {
                remember(host, new Answer(List.of(), failure, nanoTime.getAsLong()));
                promise.failed(new OriginNameUnresolved(host, failure));
            }
        });
    }

    private void remember(String host, Answer answer) {
        if (answers.size() >= MAX_NAMES) {
            answers.clear();
        }
        answers.put(host, answer);
    }

    private static void warnAboutTheJvmCache() {
        final int seconds = jvmCacheSeconds();
        if (seconds > TTL.toSeconds()) {
            LoggerFactory.getLogger(OriginDnsCache.class).warn(
                    "origin host names resolve through the JVM's DNS cache, which keeps answers for "
                            + (seconds == Integer.MAX_VALUE ? "ever" : seconds + " s")
                            + ": set networkaddress.cache.ttl=5 (java.security) or -Dsun.net.inetaddr.ttl=5 for the "
                            + "5 s limit Cloudflare keeps");
        }
    }

    /** The JVM's positive cache lifetime as InetAddress reads it: the security property, the system property, 30. */
    static int jvmCacheSeconds() {
        String value = Security.getProperty("networkaddress.cache.ttl");
        if (value == null) {
            value = System.getProperty("sun.net.inetaddr.ttl");
        }
        if (value == null) {
            return JVM_DEFAULT_TTL_SECONDS;
        }
        try {
            final int seconds = Integer.parseInt(value.trim());
            return seconds < 0 ? Integer.MAX_VALUE : seconds;
        } catch (NumberFormatException e) {
            return JVM_DEFAULT_TTL_SECONDS;
        }
    }

    /** One lookup's outcome: the addresses, or the failure (then addresses is empty). */
    private record Answer(List<InetAddress> addresses, Throwable failure, long atNanos) {

        void complete(String host, int port, Promise<List<InetSocketAddress>> promise) {
            if (failure != null) {
                promise.failed(new OriginNameUnresolved(host, failure));
                return;
            }
            final List<InetSocketAddress> resolved = new ArrayList<>(addresses.size());
            for (final InetAddress address : addresses) {
                resolved.add(new InetSocketAddress(address, port));
            }
            promise.succeeded(resolved);
        }
    }
}
