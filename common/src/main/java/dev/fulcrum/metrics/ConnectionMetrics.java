package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Pool;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.link.OriginLinks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.eclipse.jetty.client.AbstractConnectionPool;
import org.eclipse.jetty.client.ConnectionPool;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream connection pools (Jetty's client's and the origin links'): {@value MetricNames#UPSTREAM_CONNECTIONS}
 * {destination, state} with {@code state} = {@code open} (all pooled connections), {@code idle} and {@code active},
 * one set of rows per destination ({@code scheme://address:port}) of a configured origin. Connections belong to a
 * destination, not to a pool or load balancer: an origin listed in two pools shares them, hence no pool tag.
 *
 * <p>Values come from Jetty's pools and the links' counts at scrape time. The destination table is indexed once per
 * scrape (at most once per {@value #INDEX_MILLIS} ms) so that reading N rows costs O(destinations + N), not their
 * product. Jetty's client does not count the connection of its stale-connection retry (opened outside its pool);
 * the links count every link.
 *
 * <p>Rows follow the configuration by reference count: each (pool, origin) holds its destination, a change adjusts
 * the counts of the pools it names only, and a destination's rows are registered when its first holder appears and
 * removed with its last. No change visits every origin.
 *
 * <p>Two outputs, as {@link InFlightMetrics}: {@link #writeTo} writes the rows straight into a scrape (their text
 * rendered at their first scrape, see {@link GaugeRows}), {@link #bindTo} registers them as gauges (JMX).
 *
 * <p>Thread safety: {@link #update} is serialised; values are read on the scraping thread.
 */
final class ConnectionMetrics implements MeterBinder {

    private static final long INDEX_MILLIS = 1000;
    private static final String[] STATES = {"open", "idle", "active"};

    private static final String HELP = "Pooled upstream connections of a configured origin's destination, by state";
    private static final byte[] HEADER = GaugeRows.header(MetricNames.UPSTREAM_CONNECTIONS, HELP);
    private static final GaugeRows.Format ROW = GaugeRows.format(MetricNames.UPSTREAM_CONNECTIONS,
            MetricNames.TAG_DESTINATION, MetricNames.TAG_STATE);

    private final HttpClient client;
    private final UpstreamClient upstream;
    /** Destination → how many configured (pool, origin) entries use it. */
    private final Map<String, Integer> holders = new HashMap<>();
    /** The destinations with rows (those with a holder) and their rows' text, read by the scraping thread. */
    private final Map<String, DestinationText> texts = new ConcurrentHashMap<>();
    /** Destination → its three rows, while registered. */
    private final Map<String, List<Gauge>> rows = new HashMap<>();
    private MeterRegistry registry;
    private ConfigSnapshot config = ConfigSnapshot.EMPTY;
    /** Null until the first scrape. */
    private volatile Index index;

    /** Open, idle and active connections by destination (Jetty's pools and the origin links), as of {@code builtAt}. */
    private record Index(Map<String, int[]> counts, long builtAt) {
    }

    /** The destination value of the one set of rows kept with per-origin rows off. */
    static final String ALL = "all";

    private final boolean perOrigin;

    public ConnectionMetrics(UpstreamClient upstream) {
        this(upstream, true);
    }

    /** @param perOrigin one set of rows per destination; false: one set for all destinations together */
    public ConnectionMetrics(UpstreamClient upstream, boolean perOrigin) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.client = upstream.httpClient();
        this.perOrigin = perOrigin;
    }

    @Override
    public synchronized void bindTo(MeterRegistry meterRegistry) {
        this.registry = Objects.requireNonNull(meterRegistry, "registry");
        holders.keySet().forEach(this::register);
    }

    /** Adopts a new configuration: one set of rows per distinct destination of its origins. */
    public synchronized void update(ConfigSnapshot next) {
        update(ConfigChange.between(config, Objects.requireNonNull(next, "config")));
    }

    /** Adopts a committed change: the destinations of the pools it names are counted again, no others. */
    public synchronized void update(ConfigChange change) {
        final ConfigChange c = change.since(config);
        config = c.next();
        for (String poolId : c.pools()) {
            final Pool before = c.previous().pools().get(poolId);
            final Pool after = c.next().pools().get(poolId);
            if (after != null) {
                after.origins().forEach(o -> hold(row(o.address(), o.port())));
            }
            if (before != null) {
                before.origins().forEach(o -> release(row(o.address(), o.port())));
            }
        }
    }

    private String row(String address, int port) {
        return perOrigin ? destination(address, port) : ALL;
    }

    /** Destinations with rows (tests). */
    synchronized int destinations() {
        return rows.size();
    }

    /** Writes the three rows of every destination held by the latest configuration. */
    void writeTo(GaugeRows out) throws IOException {
        out.family(HEADER);
        final Map<String, int[]> counts = index().counts();
        for (final DestinationText destination : texts.values()) {
            final byte[][] rows = destination.rows();
            for (int state = 0; state < STATES.length; state++) {
                out.row(rows[state], count(counts, destination.name, state));
            }
        }
    }

    /** Rows whose text is kept (tests). */
    int textRows() {
        return texts.values().stream().mapToInt(t -> t.rows == null ? 0 : STATES.length).sum();
    }

    /** A destination's three rows' text, rendered at the first scrape that writes them. */
    private static final class DestinationText {
        final String name;
        volatile byte[][] rows;

        DestinationText(String name) {
            this.name = name;
        }

        byte[][] rows() {
            byte[][] r = rows;
            if (r == null) {
                r = new byte[STATES.length][];
                for (int i = 0; i < STATES.length; i++) {
                    r[i] = ROW.prefix(name, STATES[i]);
                }
                rows = r;
            }
            return r;
        }
    }

    private void hold(String destination) {
        if (holders.merge(destination, 1, Integer::sum) == 1) {
            texts.put(destination, new DestinationText(destination));
            if (registry != null) {
                register(destination);
            }
        }
    }

    private void release(String destination) {
        final Integer left = holders.computeIfPresent(destination, (d, n) -> n == 1 ? null : n - 1);
        if (left == null) {
            texts.remove(destination);
            final List<Gauge> gone = rows.remove(destination);
            if (gone != null) {
                gone.forEach(registry::remove);
            }
        }
    }

    private void register(String destination) {
        final List<Gauge> gauges = new ArrayList<>(STATES.length);
        for (int i = 0; i < STATES.length; i++) {
            final int state = i;
            gauges.add(Gauge.builder(MetricNames.UPSTREAM_CONNECTIONS, this, m -> m.sum(destination, state))
                    .description(HELP)
                    .tags(Tags.of(MetricNames.TAG_DESTINATION, destination, MetricNames.TAG_STATE, STATES[i]))
                    .strongReference(true).register(registry));
        }
        rows.put(destination, gauges);
    }

    private double sum(String destination, int state) {
        return count(index().counts(), destination, state);
    }

    private int count(Map<String, int[]> counts, String destination, int state) {
        if (ALL.equals(destination) && !perOrigin) {
            int total = 0;
            for (int[] row : counts.values()) {
                total += row[state];
            }
            return total;
        }
        final int[] row = counts.get(destination);
        return row == null ? 0 : row[state];
    }

    private Index index() {
        final Index current = index;
        final long now = System.nanoTime() / 1_000_000;
        if (current != null && now - current.builtAt() < INDEX_MILLIS) {
            return current;
        }
        final Map<String, int[]> counts = new HashMap<>();
        for (Destination d : client.getDestinations()) {
            final ConnectionPool pool = d.getConnectionPool();
            if (pool instanceof AbstractConnectionPool counted) {
                final org.eclipse.jetty.client.Origin origin = d.getOrigin();
                add(counts, format(origin.getScheme(), origin.getAddress().getHost(), origin.getAddress().getPort()),
                        counted.getConnectionCount(), counted.getIdleConnectionCount(),
                        counted.getActiveConnectionCount());
            }
        }
        final OriginLinks links = upstream.startedLinks();
        if (links != null) {
            links.forEachOrigin((address, port, open, idle) -> add(counts, format("http", address, port), open, idle,
                    Math.max(0, open - idle)));
        }
        final Index next = new Index(counts, now);
        index = next;
        return next;
    }

    private static void add(Map<String, int[]> counts, String destination, int open, int idle, int active) {
        final int[] row = counts.computeIfAbsent(destination, k -> new int[STATES.length]);
        row[0] += open;
        row[1] += idle;
        row[2] += active;
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
