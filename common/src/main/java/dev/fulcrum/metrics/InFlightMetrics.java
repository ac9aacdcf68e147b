package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.SnapshotRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Requests in flight, read from the router's own counters at scrape time (the counters that drive
 * {@code least_outstanding_requests}, so metrics and steering never disagree): {@value MetricNames#POOL_IN_FLIGHT}
 * {pool, pool_id} and {@value MetricNames#ORIGIN_IN_FLIGHT} {pool, pool_id, origin}, one row per configured pool and
 * origin. Counters are per pool, shared by every load balancer using it, so there is no {@code lb} tag.
 *
 * <p>Rows follow the configuration: {@link #update} replaces them, which removes the rows of deleted pools and
 * origins. Thread safety: {@link #update} is serialised; reading is the registry's.
 */
final class InFlightMetrics implements MeterBinder {

    private final SnapshotRouter router;
    private MultiGauge pools;
    private MultiGauge origins;
    private ConfigSnapshot config = ConfigSnapshot.EMPTY;

    public InFlightMetrics(SnapshotRouter router) {
        this.router = Objects.requireNonNull(router, "router");
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        pools = MultiGauge.builder(MetricNames.POOL_IN_FLIGHT)
                .description("Requests in flight to a pool (all load balancers together)").register(registry);
        origins = MultiGauge.builder(MetricNames.ORIGIN_IN_FLIGHT)
                .description("Requests in flight to an origin of a pool (all load balancers together)")
                .register(registry);
        refresh();
    }

    /** Adopts a new configuration: one row per pool and per origin (by name) in it. */
    public synchronized void update(ConfigSnapshot next) {
        config = Objects.requireNonNull(next, "config");
        refresh();
    }

    private void refresh() {
        if (pools == null) {
            return;
        }
        final List<MultiGauge.Row<?>> poolRows = new ArrayList<>();
        final List<MultiGauge.Row<?>> originRows = new ArrayList<>();
        for (Pool pool : config.pools().values()) {
            final String poolId = pool.id();
            final Tags poolTags = Tags.of(MetricNames.TAG_POOL, pool.name(), MetricNames.TAG_POOL_ID, poolId);
            poolRows.add(MultiGauge.Row.of(poolTags, router, r -> r.outstanding(poolId)));
            // Origin names are unique within a pool by validation; the set only guards the registry against a
            // duplicate row should that ever change.
            final Set<String> seen = new HashSet<>();
            for (Origin origin : pool.origins()) {
                if (seen.add(origin.name())) {
                    final String address = origin.address();
                    final int port = origin.port();
                    originRows.add(MultiGauge.Row.of(poolTags.and(MetricNames.TAG_ORIGIN, origin.name()), router,
                            r -> r.outstanding(poolId, address, port)));
                }
            }
        }
        pools.register(poolRows, true);
        origins.register(originRows, true);
    }
}
