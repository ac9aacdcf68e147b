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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 * <p>Thread safety: {@link #update} and {@link #bindTo} are serialised; reading is the registry's.
 */
final class InFlightMetrics implements MeterBinder {

    private final SnapshotRouter router;
    private final boolean originRows;
    /** Pool id → the pool's row, then its origins' rows. */
    private final Map<String, List<Gauge>> rows = new HashMap<>();
    private MeterRegistry registry;
    private ConfigSnapshot config = ConfigSnapshot.EMPTY;
    private long registered;

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
        if (registry != null) {
            for (String poolId : c.pools()) {
                refresh(poolId);
            }
        }
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
                .description("Requests in flight to a pool (all load balancers together)").tags(poolTags)
                .strongReference(true).register(registry));
        if (originRows) {
            // Origin names are unique within a pool by validation; the set only guards the registry against a
            // duplicate row should that ever change.
            final Set<String> seen = new HashSet<>();
            for (Origin origin : pool.origins()) {
                if (seen.add(origin.name())) {
                    final String address = origin.address();
                    final int port = origin.port();
                    gauges.add(Gauge.builder(MetricNames.ORIGIN_IN_FLIGHT, router,
                                    r -> r.outstanding(poolId, address, port))
                            .description("Requests in flight to an origin of a pool (all load balancers together)")
                            .tags(poolTags.and(MetricNames.TAG_ORIGIN, origin.name()))
                            .strongReference(true).register(registry));
                }
            }
        }
        registered += gauges.size();
        rows.put(poolId, gauges);
    }
}
