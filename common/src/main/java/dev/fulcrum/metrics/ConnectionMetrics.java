package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.upstream.UpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.eclipse.jetty.client.AbstractConnectionPool;
import org.eclipse.jetty.client.ConnectionPool;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The upstream client's connection pools: {@value MetricNames#UPSTREAM_CONNECTIONS} {destination, state} with
 * {@code state} = {@code open} (all pooled connections), {@code idle} and {@code active}, one set of rows per
 * destination ({@code scheme://address:port}) of a configured origin. Connections belong to a destination, not to
 * a pool or load balancer: an origin listed in two pools shares them, hence no pool tag.
 *
 * <p>Values come from Jetty's pools at scrape time. The destination table is indexed once per scrape (at most once
 * per {@value #INDEX_MILLIS} ms) so that reading N rows costs O(destinations + N), not their product. Connections
 * opened outside the pool (a stale-connection retry's own connection) are not counted.
 *
 * <p>Thread safety: {@link #update} is serialised; values are read on the scraping thread.
 */
final class ConnectionMetrics implements MeterBinder {

    private static final long INDEX_MILLIS = 1000;

    private final HttpClient client;
    private MultiGauge connections;
    private ConfigSnapshot config = ConfigSnapshot.EMPTY;
    /** Null until the first scrape. */
    private volatile Index index;

    /** Pools by destination, as of {@code builtAt}. */
    private record Index(Map<String, List<AbstractConnectionPool>> pools, long builtAt) {
    }

    public ConnectionMetrics(UpstreamClient upstream) {
        this.client = Objects.requireNonNull(upstream, "upstream").httpClient();
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        connections = MultiGauge.builder(MetricNames.UPSTREAM_CONNECTIONS)
                .description("Pooled upstream connections of a configured origin's destination, by state")
                .register(registry);
        refresh();
    }

    /** Adopts a new configuration: one set of rows per distinct destination of its origins. */
    public synchronized void update(ConfigSnapshot next) {
        config = Objects.requireNonNull(next, "config");
        refresh();
    }

    private void refresh() {
        if (connections == null) {
            return;
        }
        final Set<String> destinations = new LinkedHashSet<>();
        for (Pool pool : config.pools().values()) {
            for (Origin origin : pool.origins()) {
                destinations.add(destination(origin.address(), origin.port()));
            }
        }
        final List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String destination : destinations) {
            rows.add(row(destination, "open", AbstractConnectionPool::getConnectionCount));
            rows.add(row(destination, "idle", AbstractConnectionPool::getIdleConnectionCount));
            rows.add(row(destination, "active", AbstractConnectionPool::getActiveConnectionCount));
        }
        connections.register(rows, true);
    }

    private MultiGauge.Row<?> row(String destination, String state, ToIntFunction<AbstractConnectionPool> count) {
        return MultiGauge.Row.of(Tags.of(MetricNames.TAG_DESTINATION, destination, MetricNames.TAG_STATE, state),
                this, m -> m.sum(destination, count));
    }

    private double sum(String destination, ToIntFunction<AbstractConnectionPool> count) {
        int total = 0;
        for (AbstractConnectionPool pool : index().pools().getOrDefault(destination, List.of())) {
            total += count.applyAsInt(pool);
        }
        return total;
    }

    private Index index() {
        final Index current = index;
        final long now = System.nanoTime() / 1_000_000;
        if (current != null && now - current.builtAt() < INDEX_MILLIS) {
            return current;
        }
        final Map<String, List<AbstractConnectionPool>> pools = new HashMap<>();
        for (Destination d : client.getDestinations()) {
            final ConnectionPool pool = d.getConnectionPool();
            if (pool instanceof AbstractConnectionPool counted) {
                final org.eclipse.jetty.client.Origin origin = d.getOrigin();
                pools.computeIfAbsent(format(origin.getScheme(), origin.getAddress().getHost(),
                        origin.getAddress().getPort()), k -> new ArrayList<>()).add(counted);
            }
        }
        final Index next = new Index(pools, now);
        index = next;
        return next;
    }

    /**
     * The destination the router connects to for a configured origin: port 443 is {@code https}, anything else
     * {@code http}, and port 0 (the protocol default) connects to 80; the same rule as the router's origin plans.
     */
    static String destination(String address, int configuredPort) {
        final int port = configuredPort == 0 ? 80 : configuredPort;
        return format(port == 443 ? "https" : "http", address, port);
    }

    /** Hostnames compare case-insensitively; IPv6 literals get brackets whether or not they came with them. */
    private static String format(String scheme, String host, int port) {
        final String bare = host.length() > 1 && host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
        final String lower = bare.toLowerCase(Locale.ROOT);
        return scheme + "://" + (lower.indexOf(':') >= 0 ? '[' + lower + ']' : lower) + ':' + port;
    }
}
