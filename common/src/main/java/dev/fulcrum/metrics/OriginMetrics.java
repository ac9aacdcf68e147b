package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.OutcomeListener;
import dev.fulcrum.routing.RouteDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Meters of forwarded attempts, fed by the router's {@link OutcomeListener} hook (one call per attempt) and by the
 * upstream client's stale-connection retries: {@value MetricNames#ORIGIN_REQUESTS},
 * {@value MetricNames#ORIGIN_LATENCY}, {@value MetricNames#ORIGIN_FAILOVERS} and {@value MetricNames#ORIGIN_RETRIES},
 * each tagged
 * {lb, pool, pool_id, origin} with the configured names.
 *
 * <p>Hot path: one lookup in three nested maps (no allocation), then a counter increment and, for answered
 * attempts, a timer record. Meters are created on first use, only for combinations the current configuration holds
 * ({@link ConfigNames#has}); an attempt for anything else (a request that started just before its load balancer was
 * deleted) is not counted, so a late report cannot bring back a removed meter.
 *
 * <p>Configuration changes ({@link #update}) remove every meter whose load balancer, pool or origin is gone or renamed.
 * Creation and removal are serialised on one lock; the recording path takes no lock.
 *
 * <p>Thread safety: safe for concurrent use. Bind once with {@link #bindTo}; until then nothing is recorded.
 */
final class OriginMetrics implements OutcomeListener, MeterBinder {

    /**
     * Latency histogram buckets, from loopback origins (≈250 µs) to the 100 s read timeout in 1-2.5-5 steps: 18
     * series per origin instead of Micrometer's ~90 default ones, enough for {@code histogram_quantile} to place
     * p50/p99 within a step.
     */
    private static final Duration[] LATENCY_BUCKETS = buckets(0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500,
            1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 100_000);
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final int STATUS_CLASSES = 6;

    private final Object lock = new Object();
    /** lb id → pool id → origin name → meters; read without locking on every report. */
    private final Map<String, Map<String, Map<String, OriginMeters>>> meters = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private volatile ConfigNames names = ConfigNames.EMPTY;

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry = Objects.requireNonNull(meterRegistry, "registry");
    }

    /** Adopts a new configuration: meters of objects no longer in it (or renamed) are removed from the registry. */
    public void update(ConfigSnapshot config) {
        synchronized (lock) {
            final ConfigNames next = new ConfigNames(config);
            names = next;
            for (Map.Entry<String, Map<String, Map<String, OriginMeters>>> lb : meters.entrySet()) {
                for (Map.Entry<String, Map<String, OriginMeters>> pool : lb.getValue().entrySet()) {
                    final Iterator<OriginMeters> it = pool.getValue().values().iterator();
                    while (it.hasNext()) {
                        final OriginMeters m = it.next();
                        if (!m.stillNamed(next, lb.getKey(), pool.getKey())) {
                            m.remove();
                            it.remove();
                        }
                    }
                }
            }
        }
    }

    @Override
    public void completed(RouteDecision.Forward attempt, Outcome outcome, int status, long upstreamNanos) {
        final OriginMeters m = meters(attempt);
        if (m == null) {
            return;
        }
        m.count(outcome, status);
        if (outcome == Outcome.RESPONDED) {
            m.recordLatency(upstreamNanos);
        }
        if (attempt.isFailover()) {
            m.countFailover();
        }
    }

    /** A send of {@code attempt} was repeated on a fresh connection after a stale pooled one failed. */
    public void staleConnectionRetry(RouteDecision.Forward attempt) {
        final OriginMeters m = meters(attempt);
        if (m != null) {
            m.countStaleRetry();
        }
    }

    private OriginMeters meters(RouteDecision.Forward attempt) {
        final Map<String, Map<String, OriginMeters>> pools = meters.get(attempt.loadBalancerId());
        if (pools != null) {
            final Map<String, OriginMeters> origins = pools.get(attempt.poolId());
            if (origins != null) {
                final OriginMeters m = origins.get(attempt.originName());
                if (m != null) {
                    return m;
                }
            }
        }
        return create(attempt.loadBalancerId(), attempt.poolId(), attempt.originName());
    }

    private OriginMeters create(String lbId, String poolId, String originName) {
        final MeterRegistry r = registry;
        if (r == null) {
            return null;
        }
        synchronized (lock) {
            final ConfigNames current = names;
            if (!current.has(lbId, poolId, originName)) {
                return null;
            }
            return meters.computeIfAbsent(lbId, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(poolId, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(originName, k -> new OriginMeters(r, current.lbName(lbId),
                            current.poolName(poolId), poolId, originName));
        }
    }

    private static Duration[] buckets(double... millis) {
        final Duration[] result = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            result[i] = Duration.ofNanos(Math.round(millis[i] * 1_000_000));
        }
        return result;
    }

    /**
     * The meters of one (load balancer, pool, origin), each created on first use. Creation and {@link #remove} are
     * synchronized and a removed instance creates nothing more, so a report racing with a configuration change
     * cannot leave a meter behind.
     */
    private static final class OriginMeters {

        private final MeterRegistry registry;
        private final String lbName;
        private final String poolName;
        private final String originName;
        private final Tags tags;
        /** [outcome][status class]; counters are created on first use. */
        private final AtomicReferenceArray<Counter> requests =
                new AtomicReferenceArray<>(OUTCOMES.length * STATUS_CLASSES);
        private volatile Timer latency;
        private volatile Counter failovers;
        private volatile Counter staleRetries;
        private boolean removed;

        OriginMeters(MeterRegistry registry, String lbName, String poolName, String poolId, String originName) {
            this.registry = registry;
            this.lbName = lbName;
            this.poolName = poolName;
            this.originName = originName;
            this.tags = Tags.of(MetricNames.TAG_LB, lbName, MetricNames.TAG_POOL, poolName,
                    MetricNames.TAG_POOL_ID, poolId, MetricNames.TAG_ORIGIN, originName);
        }

        boolean stillNamed(ConfigNames names, String lbId, String poolId) {
            return names.has(lbId, poolId, originName) && lbName.equals(names.lbName(lbId))
                    && poolName.equals(names.poolName(poolId));
        }

        void count(Outcome outcome, int status) {
            final int slot = outcome.ordinal() * STATUS_CLASSES + (status >= 100 && status < 600 ? status / 100 : 0);
            Counter c = requests.get(slot);
            if (c == null) {
                c = newRequestCounter(slot, outcome, status);
                if (c == null) {
                    return;
                }
            }
            c.increment();
        }

        private synchronized Counter newRequestCounter(int slot, Outcome outcome, int status) {
            if (removed) {
                return null;
            }
            Counter c = requests.get(slot);
            if (c == null) {
                c = Counter.builder(MetricNames.ORIGIN_REQUESTS)
                        .description("Attempts forwarded to an origin, by outcome and origin status class")
                        .tags(tags)
                        .tag(MetricNames.TAG_OUTCOME, outcome.name().toLowerCase(Locale.ROOT))
                        .tag(MetricNames.TAG_STATUS, MetricNames.statusClass(status))
                        .register(registry);
                requests.set(slot, c);
            }
            return c;
        }

        void recordLatency(long nanos) {
            Timer t = latency;
            if (t == null) {
                t = newLatency();
                if (t == null) {
                    return;
                }
            }
            t.record(nanos, TimeUnit.NANOSECONDS);
        }

        private synchronized Timer newLatency() {
            if (!removed && latency == null) {
                latency = Timer.builder(MetricNames.ORIGIN_LATENCY)
                        .description("Time from sending an attempt to the end of the origin's response")
                        .tags(tags)
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry);
            }
            return removed ? null : latency;
        }

        void countFailover() {
            Counter c = failovers;
            if (c == null) {
                c = newFailovers();
                if (c == null) {
                    return;
                }
            }
            c.increment();
        }

        private synchronized Counter newFailovers() {
            if (!removed && failovers == null) {
                failovers = Counter.builder(MetricNames.ORIGIN_FAILOVERS)
                        .description("Zero-downtime failover attempts sent to this origin").tags(tags)
                        .register(registry);
            }
            return removed ? null : failovers;
        }

        void countStaleRetry() {
            Counter c = staleRetries;
            if (c == null) {
                c = newStaleRetries();
                if (c == null) {
                    return;
                }
            }
            c.increment();
        }

        private synchronized Counter newStaleRetries() {
            if (!removed && staleRetries == null) {
                staleRetries = Counter.builder(MetricNames.ORIGIN_RETRIES)
                        .description("Sends repeated on a fresh connection after a stale pooled one failed")
                        .tags(tags).tag(MetricNames.TAG_REASON, "stale_connection")
                        .register(registry);
            }
            return removed ? null : staleRetries;
        }

        synchronized void remove() {
            removed = true;
            final List<Meter> all = new ArrayList<>();
            for (int i = 0; i < requests.length(); i++) {
                all.add(requests.get(i));
            }
            all.add(latency);
            all.add(failovers);
            all.add(staleRetries);
            for (Meter meter : all) {
                if (meter != null) {
                    registry.remove(meter);
                }
            }
        }
    }
}
