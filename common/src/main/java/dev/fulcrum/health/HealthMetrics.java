package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The health engine's meters, bound next to it (STYLE 14):
 * <ul>
 *   <li>{@value #CHECKS} {type, result, reason}: finished checks; {@code reason} is Cloudflare's text</li>
 *   <li>{@value #TRANSITIONS} {to}: origin state transitions</li>
 *   <li>{@value #POOL_ORIGINS} {pool, pool_id, state}: enabled origins of monitored pools by state
 *       ({@code healthy}, {@code unhealthy}, {@code unknown}); each publish and configuration update refreshes
 *       the rows of the pools it changed, and only those</li>
 *   <li>{@value #PROBES_IN_FLIGHT}: probe attempts running now</li>
 *   <li>{@value #CHECK_RTT} {type}: round-trip time of passing checks (failed ones have none: their reason is
 *       the measure)</li>
 * </ul>
 * Bind once: {@code new HealthMetrics(monitor).bindTo(registry)}; or {@link #bindWithoutRows} at once and
 * {@link #poolOriginRows()} when the rows are first read (one gauge per state and monitored pool: 30,000 at 10,000
 * pools, whose registration a start need not wait for).
 */
public final class HealthMetrics implements MeterBinder {

    public static final String CHECKS = "fulcrum.health.checks";
    public static final String TRANSITIONS = "fulcrum.health.transitions";
    public static final String POOL_ORIGINS = "fulcrum.pool.origins";
    public static final String PROBES_IN_FLIGHT = "fulcrum.health.probes.in.flight";
    public static final String CHECK_RTT = "fulcrum.health.check.rtt";

    private final HealthMonitor monitor;
    private final PoolOriginRows poolOrigins = new PoolOriginRows();

    public HealthMetrics(HealthMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bindWithoutRows(registry);
        poolOriginRows().bindTo(registry);
    }

    /** The {@value #POOL_ORIGINS} rows' binder: until it is bound they follow the pools without registering. */
    public MeterBinder poolOriginRows() {
        return poolOrigins::bind;
    }

    /** Binds every meter but the {@value #POOL_ORIGINS} rows ({@link #poolOriginRows()}). */
    public void bindWithoutRows(MeterRegistry registry) {
        Gauge.builder(PROBES_IN_FLIGHT, monitor, HealthMonitor::probesInFlight)
                .description("Health probe attempts in flight").register(registry);
        monitor.recorder(new CheckRecorder() {
            @Override
            public void checked(ProbeTarget target, ProbeResult result) {
                Counter.builder(CHECKS).description("Finished health checks")
                        .tags("type", target.type(), "result", result.passed() ? "pass" : "fail",
                                "reason", result.reason().text())
                        .register(registry).increment();
                if (result.passed() && result.rttNanos() >= 0) {
                    Timer.builder(CHECK_RTT).description("Round-trip time of passing health checks")
                            .tag("type", target.type()).register(registry)
                            .record(result.rttNanos(), TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void transitioned(OriginState to) {
                Counter.builder(TRANSITIONS).description("Origin health transitions")
                        .tag("to", to.name().toLowerCase(Locale.ROOT)).register(registry).increment();
            }

            @Override
            public void published(ConfigSnapshot config, HealthSnapshot health, Set<String> pools) {
                for (final String poolId : pools) {
                    poolOrigins.update(poolId, config.pools().get(poolId), health);
                }
            }
        });
    }

    /**
     * The {@value #POOL_ORIGINS} rows, three per monitored enabled pool, each a gauge reading the pool's counts:
     * a publish touches only the pools it names (re-registering every row of every pool on each publish cost
     * in proportion to the configuration). Updated by the monitor's publishing thread, bound by the first reader's.
     */
    private static final class PoolOriginRows {

        private static final OriginState[] STATES = OriginState.values();

        /** Null until bound: rows then keep their counts and register nothing. */
        private MeterRegistry registry;
        private final Map<String, Rows> byPool = new HashMap<>();

        synchronized void bind(MeterRegistry meters) {
            if (registry != null) {
                throw new IllegalStateException("the pool origin rows are bound already");
            }
            registry = meters;
            byPool.values().forEach(rows -> rows.register(meters));
        }

        synchronized void update(String poolId, Pool pool, HealthSnapshot health) {
            final Rows old = byPool.get(poolId);
            if (pool == null || !pool.enabled() || !pool.monitored()) {
                if (old != null) {
                    old.remove(registry);
                    byPool.remove(poolId);
                }
                return;
            }
            final Rows rows;
            if (old != null && old.poolName.equals(pool.name())) {
                rows = old;
            } else {
                if (old != null) {
                    old.remove(registry);
                }
                rows = new Rows(registry, pool);
                byPool.put(poolId, rows);
            }
            rows.counts = counts(pool, health);
        }

        private static int[] counts(Pool pool, HealthSnapshot health) {
            final int[] counts = new int[STATES.length];
            for (final Origin origin : pool.origins()) {
                if (origin.enabled()) {
                    final OriginHealth result = health.origin(pool.id(),
                            HealthSnapshot.originKey(origin.address(), origin.port()));
                    final OriginState state = result == null ? OriginState.UNKNOWN
                            : result.healthy() ? OriginState.HEALTHY : OriginState.UNHEALTHY;
                    counts[state.ordinal()]++;
                }
            }
            return counts;
        }

        private static final class Rows {
            final String poolName;
            final String poolId;
            final List<Gauge> gauges = new ArrayList<>(STATES.length);
            volatile int[] counts = new int[STATES.length];

            Rows(MeterRegistry registry, Pool pool) {
                this.poolName = pool.name();
                this.poolId = pool.id();
                if (registry != null) {
                    register(registry);
                }
            }

            void register(MeterRegistry registry) {
                for (final OriginState state : STATES) {
                    gauges.add(Gauge.builder(POOL_ORIGINS, this, r -> r.counts[state.ordinal()])
                            .description("Enabled origins of monitored pools, by health state")
                            .tags(Tags.of("pool", poolName, "pool_id", poolId,
                                    "state", state.name().toLowerCase(Locale.ROOT)))
                            .strongReference(true)
                            .register(registry));
                }
            }

            void remove(MeterRegistry registry) {
                if (registry != null) {
                    gauges.forEach(registry::remove);
                }
            }
        }
    }
}
