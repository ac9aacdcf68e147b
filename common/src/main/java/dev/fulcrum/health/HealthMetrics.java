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
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * Bind once: {@code new HealthMetrics(monitor).bindTo(registry)}; or {@link #bindWithoutRows} and, where the
 * {@value #POOL_ORIGINS} rows are written some other way, read them from {@link #poolOrigins()} (one row per state
 * and monitored pool: 30,000 at 10,000 pools, too many to be worth a Micrometer gauge each in a Prometheus scrape),
 * binding {@link #poolOriginRows()} only to the registries that need gauges (JMX).
 */
public final class HealthMetrics implements MeterBinder {

    public static final String CHECKS = "fulcrum.health.checks";
    public static final String TRANSITIONS = "fulcrum.health.transitions";
    public static final String POOL_ORIGINS = "fulcrum.pool.origins";
    public static final String PROBES_IN_FLIGHT = "fulcrum.health.probes.in.flight";
    public static final String CHECK_RTT = "fulcrum.health.check.rtt";
    /** The {@value #POOL_ORIGINS} rows' description. */
    public static final String POOL_ORIGINS_HELP = "Enabled origins of monitored pools, by health state";

    private final HealthMonitor monitor;
    private final PoolOriginRows originRows = new PoolOriginRows();

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
        return originRows::bind;
    }

    /**
     * The {@value #POOL_ORIGINS} rows' pools as they are now, in no order, whether or not {@link #poolOriginRows()}
     * is bound: a live view, safe to read beside the monitor's publishing.
     */
    public Collection<PoolOrigins> poolOrigins() {
        return originRows.pools();
    }

    /**
     * One monitored, enabled pool's enabled origins by state. A pool keeps its instance while its name stays the
     * same (its counts change in place), so a reader may keep what it derived from the name and id per instance.
     */
    public static final class PoolOrigins {
        private final String poolName;
        private final String poolId;
        private volatile int[] counts = new int[OriginState.values().length];

        PoolOrigins(String poolName, String poolId) {
            this.poolName = poolName;
            this.poolId = poolId;
        }

        public String poolName() {
            return poolName;
        }

        public String poolId() {
            return poolId;
        }

        /** Enabled origins of the pool in {@code state} at the last publish. */
        public int count(OriginState state) {
            return counts[state.ordinal()];
        }
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
                    originRows.update(poolId, config.pools().get(poolId), health);
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
        /** Changed under this object's lock, read without. */
        private final Map<String, PoolOrigins> byPool = new ConcurrentHashMap<>();
        /** Pool id → its rows' gauges, while bound. */
        private final Map<String, List<Gauge>> gauges = new HashMap<>();

        Collection<PoolOrigins> pools() {
            return Collections.unmodifiableCollection(byPool.values());
        }

        synchronized void bind(MeterRegistry meters) {
            if (registry != null) {
                throw new IllegalStateException("the pool origin rows are bound already");
            }
            registry = meters;
            byPool.values().forEach(this::register);
        }

        synchronized void update(String poolId, Pool pool, HealthSnapshot health) {
            final PoolOrigins old = byPool.get(poolId);
            if (pool == null || !pool.enabled() || !pool.monitored()) {
                if (old != null) {
                    unregister(poolId);
                    byPool.remove(poolId);
                }
                return;
            }
            final PoolOrigins rows;
            if (old != null && old.poolName.equals(pool.name())) {
                rows = old;
            } else {
                unregister(poolId);
                rows = new PoolOrigins(pool.name(), poolId);
                byPool.put(poolId, rows);
                register(rows);
            }
            rows.counts = counts(pool, health);
        }

        private void register(PoolOrigins rows) {
            if (registry == null) {
                return;
            }
            final List<Gauge> registered = new ArrayList<>(STATES.length);
            for (final OriginState state : STATES) {
                registered.add(Gauge.builder(POOL_ORIGINS, rows, r -> r.count(state))
                        .description(POOL_ORIGINS_HELP)
                        .tags(Tags.of("pool", rows.poolName(), "pool_id", rows.poolId(), "state", state.name().toLowerCase(Locale.ROOT)))
                        .strongReference(true)
                        .register(registry));
            }
            gauges.put(rows.poolId(), registered);
        }

        private void unregister(String poolId) {
            final List<Gauge> gone = gauges.remove(poolId);
            if (gone != null) {
                gone.forEach(registry::remove);
            }
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
    }
}
