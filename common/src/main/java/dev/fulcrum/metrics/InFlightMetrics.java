package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.SnapshotRouter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests in flight, read from the router's own counters at scrape time (the counters that drive
 * {@code least_outstanding_requests}, so metrics and steering never disagree): {@value MetricNames#POOL_IN_FLIGHT}
 * {pool, pool_id} and {@value MetricNames#ORIGIN_IN_FLIGHT} {pool, pool_id, origin}, one row per configured pool and
 * origin. Counters are per pool, shared by every load balancer using it, so there is no {@code lb} tag.
 *
 * <p>Rows follow the configuration pool by pool: a change re-registers the rows of the pools it names and removes
 * those of deleted pools and origins, and touches no other row (re-registering every row on every change cost in
 * proportion to the configuration). With per-origin rows off ({@code FulcrumMetrics}' cardinality bound) only the
 * pool rows exist.
 *
 * <p>Two outputs: {@link #writeTo} writes the rows of the latest configuration straight into a scrape (the
 * Prometheus endpoint's way, see {@link GaugeRows}: each pool's row text rendered at its first scrape and kept until
 * the pool changes); {@link #bindTo} registers them as Micrometer gauges in a registry (JMX).
 *
 * <p>Thread safety: {@link #update} and {@link #bindTo} are serialised; {@link #writeTo} may run beside them and
 * sees each pool before or after a concurrent change.
 */
final class InFlightMetrics implements MeterBinder {

    private static final String POOL_HELP = "Requests in flight to a pool (all load balancers together)";
    private static final String ORIGIN_HELP = "Requests in flight to an origin of a pool (all load balancers together)";
    private static final byte[] POOL_HEADER = GaugeRows.header(MetricNames.POOL_IN_FLIGHT, POOL_HELP);
    private static final byte[] ORIGIN_HEADER = GaugeRows.header(MetricNames.ORIGIN_IN_FLIGHT, ORIGIN_HELP);
    private static final GaugeRows.Format POOL_ROW = GaugeRows.format(MetricNames.POOL_IN_FLIGHT,
            MetricNames.TAG_POOL, MetricNames.TAG_POOL_ID);
    private static final GaugeRows.Format ORIGIN_ROW = GaugeRows.format(MetricNames.ORIGIN_IN_FLIGHT,
            MetricNames.TAG_POOL, MetricNames.TAG_POOL_ID, MetricNames.TAG_ORIGIN);

    private final SnapshotRouter router;
    private final boolean originRows;
    /** Pool id → the pool's row, then its origins' rows. */
    private final Map<String, List<Gauge>> rows = new HashMap<>();
    /** Pool id → its rows' text, rendered by the first scrape that wrote them; dropped when the pool changes. */
    private final Map<String, PoolText> texts = new ConcurrentHashMap<>();
    private MeterRegistry registry;
    private volatile ConfigSnapshot config = ConfigSnapshot.EMPTY;
    private long registered;

    /** A pool's row texts, for the very pool object they were rendered from. */
    private record PoolText(Pool pool, byte[] poolRow, List<OriginText> origins) {
        int rows() {
            return 1 + origins.size();
        }
    }

    private record OriginText(byte[] row, String address, int port) {
    }

    public InFlightMetrics(SnapshotRouter router) {
        this(router, true);
    }

    /** @param originRows also one row per origin (else per pool only) */
    public InFlightMetrics(SnapshotRouter router, boolean originRows) {
        this.router = Objects.requireNonNull(router, "router");
        this.originRows = originRows;
    }

    @Override
    public synchronized void bindTo(MeterRegistry meterRegistry) {
        this.registry = Objects.requireNonNull(meterRegistry, "registry");
        for (String poolId : config.pools().keySet()) {
            refresh(poolId);
        }
    }

    /** Adopts a new configuration, comparing it whole with the last one. */
    public synchronized void update(ConfigSnapshot next) {
        update(ConfigChange.between(config, Objects.requireNonNull(next, "config")));
    }

    /** Adopts a committed change: the rows of the pools it names, and only those, are replaced. */
    public synchronized void update(ConfigChange change) {
        final ConfigChange c = change.since(config);
        config = c.next();
        for (String poolId : c.pools()) {
            texts.remove(poolId);
            if (registry != null) {
                refresh(poolId);
            }
        }
    }

    /** Writes the pool rows, then the origin rows, of the latest configuration. */
    void writeTo(GaugeRows out) throws IOException {
        final ConfigSnapshot current = config;
        out.family(POOL_HEADER);
        for (final Pool pool : current.pools().values()) {
            out.row(text(pool).poolRow(), router.outstanding(pool.id()));
        }
        if (originRows) {
            out.family(ORIGIN_HEADER);
            for (final Pool pool : current.pools().values()) {
                for (final OriginText origin : text(pool).origins()) {
                    out.row(origin.row(), router.outstanding(pool.id(), origin.address(), origin.port()));
                }
            }
        }
        // A scrape that read a pool just before a change removed it may have put its text back.
        if (texts.size() > current.pools().size()) {
            texts.keySet().removeIf(poolId -> !config.pools().containsKey(poolId));
        }
    }

    /** Rows whose text is kept (tests). */
    int textRows() {
        return texts.values().stream().mapToInt(PoolText::rows).sum();
    }

    private PoolText text(Pool pool) {
        final PoolText kept = texts.get(pool.id());
        if (kept != null && kept.pool() == pool) {
            return kept;
        }
        final List<OriginText> origins = new ArrayList<>();
        for (Origin origin : originsWithRows(pool)) {
            origins.add(new OriginText(ORIGIN_ROW.prefix(pool.name(), pool.id(), origin.name()), origin.address(),
                    origin.port()));
        }
        final PoolText text = new PoolText(pool, POOL_ROW.prefix(pool.name(), pool.id()), List.copyOf(origins));
        texts.put(pool.id(), text);
        return text;
    }

    /**
     * The origins with a row: none with per-origin rows off, else the first of each name (names are unique within a
     * pool by validation; this only guards the output against a duplicate row should that ever change).
     */
    private List<Origin> originsWithRows(Pool pool) {
        if (!originRows) {
            return List.of();
        }
        final Set<String> seen = new HashSet<>();
        return pool.origins().stream().filter(origin -> seen.add(origin.name())).toList();
    }

    /** Rows registered since start, all pools together (tests count what a change re-registers). */
    synchronized long registeredRows() {
        return registered;
    }

    private void refresh(String poolId) {
        final List<Gauge> old = rows.remove(poolId);
        if (old != null) {
            old.forEach(registry::remove);
        }
        final Pool pool = config.pools().get(poolId);
        if (pool == null) {
            return;
        }
        final List<Gauge> gauges = new ArrayList<>();
        final Tags poolTags = Tags.of(MetricNames.TAG_POOL, pool.name(), MetricNames.TAG_POOL_ID, poolId);
        gauges.add(Gauge.builder(MetricNames.POOL_IN_FLIGHT, router, r -> r.outstanding(poolId))
                .description(POOL_HELP).tags(poolTags)
                .strongReference(true).register(registry));
        for (Origin origin : originsWithRows(pool)) {
            final String address = origin.address();
            final int port = origin.port();
            gauges.add(Gauge.builder(MetricNames.ORIGIN_IN_FLIGHT, router, r -> r.outstanding(poolId, address, port))
                    .description(ORIGIN_HELP)
                    .tags(poolTags.and(MetricNames.TAG_ORIGIN, origin.name()))
                    .strongReference(true).register(registry));
        }
        registered += gauges.size();
        rows.put(poolId, gauges);
    }
}
