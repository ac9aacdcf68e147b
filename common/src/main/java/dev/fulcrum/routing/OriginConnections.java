package dev.fulcrum.routing;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open upstream connections per origin destination, fed by the wrapper's connection pool and read by
 * {@code least_connections} steering (spec §4.2, §4.4).
 *
 * <p>Keyed by the destination the wrapper actually connects to, i.e. {@link RouteDecision.Forward#address()} and
 * {@link RouteDecision.Forward#port()} (port 0 never appears there); hostnames are compared case-insensitively and
 * IPv6 literals with or without brackets. Connections are per destination, not per
 * pool: an origin listed in two pools shares its count.
 *
 * <p>Until the first {@link #opened} report, {@code least_connections} uses in-flight requests instead: a wrapper
 * that cannot see its connections (e.g. a container pool it does not own) still gets least-loaded balancing, and
 * with HTTP/1.1 keep-alive the number of busy connections equals the number of in-flight requests anyway.
 *
 * <p>Thread-safe; counts never go below 0 (a close without a matching open is ignored).
 */
public final class OriginConnections {

    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private volatile boolean reported;

    /** A connection to {@code address:port} was established. */
    public void opened(String address, int port) {
        reported = true;
        counter(address, port).incrementAndGet();
    }

    /** A connection to {@code address:port} was closed (by either side, or failed after opening). */
    public void closed(String address, int port) {
        final AtomicInteger count = counts.get(key(address, port));
        if (count != null) {
            count.getAndUpdate(n -> n > 0 ? n - 1 : 0);
        }
    }

    /** The open connections to {@code address:port} as reported so far. */
    public int open(String address, int port) {
        final AtomicInteger count = counts.get(key(address, port));
        return count == null ? 0 : count.get();
    }

    /** True once the wrapper has reported at least one connection. */
    public boolean reported() {
        return reported;
    }

    /** The live counter for a destination, created on first use; snapshots hold it to avoid per-request lookups. */
    AtomicInteger counter(String address, int port) {
        return counts.computeIfAbsent(key(address, port), k -> new AtomicInteger());
    }

    /**
     * Hostnames compare case-insensitively and IPv6 literals with or without brackets, so a client library that
     * normalises the destination still lands on the router's counter.
     */
    private static String key(String address, int port) {
        String host = address;
        if (host.length() > 1 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
            host = host.substring(1, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT) + ':' + port;
    }
}
