package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigChange;
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
import io.micrometer.core.instrument.distribution.CountAtBucket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * <p>Configuration changes ({@link #update}) remove every meter whose load balancer, pool or origin is gone or renamed,
 * visiting only the meters of the load balancers and pools the change names.
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
    /** Pool id → ids of the load balancers with meters for it, so that a pool change visits only its meters. */
    private final Map<String, Set<String>> lbsByPool = new HashMap<>();
    /** False: one meter set per (load balancer, pool), without the origin tag (the cardinality bound). */
    private final boolean perOrigin;
    private volatile MeterRegistry registry;
    private volatile ConfigNames names = ConfigNames.EMPTY;

    OriginMetrics() {
        this(true);
    }

    /** @param perOrigin one meter set per origin; false: per (load balancer, pool) only, no {@code origin} tag */
    OriginMetrics(boolean perOrigin) {
        this.perOrigin = perOrigin;
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry = Objects.requireNonNull(meterRegistry, "registry");
    }

    /** Adopts a new configuration: meters of objects no longer in it (or renamed) are removed from the registry. */
    public void update(ConfigSnapshot config) {
        update(ConfigChange.between(names.config(), config));
    }

    /**
     * Adopts a committed change: the meters of the load balancers and pools it names are checked, and those of
     * objects deleted or renamed are removed; no other meter is visited.
     */
    public void update(ConfigChange change) {
        synchronized (lock) {
            final ConfigChange c = change.since(names.config());
            final ConfigNames next = new ConfigNames(c.next());
            names = next;
            for (String lbId : c.loadBalancers()) {
                final Map<String, Map<String, OriginMeters>> pools = meters.get(lbId);
                if (pools != null) {
                    for (String poolId : List.copyOf(pools.keySet())) {
                        prune(next, lbId, poolId);
                    }
                }
            }
            for (String poolId : c.pools()) {
                for (String lbId : List.copyOf(lbsByPool.getOrDefault(poolId, Set.of()))) {
                    prune(next, lbId, poolId);
                }
            }
        }
    }

    /** Removes the meters of one (load balancer, pool) that {@code names} no longer holds; called under the lock. */
    private void prune(ConfigNames names, String lbId, String poolId) {
        final Map<String, Map<String, OriginMeters>> pools = meters.get(lbId);
        final Map<String, OriginMeters> origins = pools == null ? null : pools.get(poolId);
        if (origins == null) {
            return;
        }
        final Iterator<OriginMeters> it = origins.values().iterator();
        while (it.hasNext()) {
            final OriginMeters m = it.next();
            if (!m.stillNamed(names, lbId, poolId)) {
                m.remove();
                it.remove();
            }
        }
        if (origins.isEmpty()) {
            pools.remove(poolId);
            final Set<String> users = lbsByPool.get(poolId);
            if (users != null && users.remove(lbId) && users.isEmpty()) {
                lbsByPool.remove(poolId);
            }
            if (pools.isEmpty()) {
                meters.remove(lbId);
            }
        }
    }

    /** How many (load balancer, pool, origin) meter sets exist (tests). */
    int meterSets() {
        int n = 0;
        for (Map<String, Map<String, OriginMeters>> pools : meters.values()) {
            for (Map<String, OriginMeters> origins : pools.values()) {
                n += origins.size();
            }
        }
        return n;
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

    /**
     * Reads every origin's meters as they stand (cumulative since each meter was created), for the traffic history.
     * Off the request path: it runs on the sampler's thread and takes no lock the recording path takes.
     */
    void read(Reader reader) {
        for (Map.Entry<String, Map<String, Map<String, OriginMeters>>> lb : meters.entrySet()) {
            for (Map.Entry<String, Map<String, OriginMeters>> pool : lb.getValue().entrySet()) {
                for (Map.Entry<String, OriginMeters> origin : pool.getValue().entrySet()) {
                    reader.origin(lb.getKey(), pool.getKey(), origin.getKey(), origin.getValue().reading());
                }
            }
        }
    }

    /** The bucket bounds of the latency histogram, in milliseconds, ascending. */
    static double[] latencyBucketsMillis() {
        final double[] millis = new double[LATENCY_BUCKETS.length];
        for (int i = 0; i < millis.length; i++) {
            millis[i] = LATENCY_BUCKETS[i].toNanos() / 1e6;
        }
        return millis;
    }

    /** Receives one origin's cumulative counts in {@link #read}. */
    @FunctionalInterface
    interface Reader {
        void origin(String lbId, String poolId, String originName, Reading reading);
    }

    /**
     * One origin's cumulative counts under one load balancer.
     *
     * @param attempts  every reported attempt
     * @param failovers attempts that were a zero-downtime failover of an earlier one
     * @param failed    attempts that failed at the connection or exchange (what Fulcrum answers with a 52x)
     * @param status5xx attempts the origin answered with a 5xx
     * @param latency   answered attempts at or under each of {@link #latencyBucketsMillis()} (cumulative, as
     *                  Prometheus' {@code le} buckets), then the count of every answered attempt
     */
    record Reading(long attempts, long failovers, long failed, long status5xx, long[] latency) {
    }

        private OriginMeters meters(RouteDecision.Forward attempt) {
        final Map<String, Map<String, OriginMeters>> pools = meters.get(attempt.loadBalancerId());
        if (pools != null) {
            final Map<String, OriginMeters> origins = pools.get(attempt.poolId());
            if (origins != null) {
                final OriginMeters m = origins.get(originKey(attempt));
                if (m != null) {
                    return m;
                }
            }
        }
        return create(attempt.loadBalancerId(), attempt.poolId(), originKey(attempt));
    }

    /** The origin part of a meter's key: its name, or "" (any origin) with per-origin meters off. */
    private String originKey(RouteDecision.Forward attempt) {
        return perOrigin ? attempt.originName() : "";
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
            lbsByPool.computeIfAbsent(poolId, k -> new HashSet<>()).add(lbId);
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
            final Tags common = Tags.of(MetricNames.TAG_LB, lbName, MetricNames.TAG_POOL, poolName,
                    MetricNames.TAG_POOL_ID, poolId);
            this.tags = originName.isEmpty() ? common : common.and(MetricNames.TAG_ORIGIN, originName);
        }

        Reading reading() {
            long attempts = 0;
            long failed = 0;
            long status5xx = 0;
            for (int slot = 0; slot < requests.length(); slot++) {
                final Counter c = requests.get(slot);
                if (c == null) {
                    continue;
                }
                final long n = (long) c.count();
                attempts += n;
                final Outcome outcome = OUTCOMES[slot / STATUS_CLASSES];
                if (outcome == Outcome.CONNECT_FAILED || outcome == Outcome.EXCHANGE_FAILED) {
                    failed += n;
                } else if (outcome == Outcome.RESPONDED && slot % STATUS_CLASSES == 5) {
                    status5xx += n;
                }
            }
            final long[] latencyCounts = new long[LATENCY_BUCKETS.length + 1];
            final Timer t = latency;
            if (t != null) {
                final CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
                for (int i = 0; i < buckets.length && i < LATENCY_BUCKETS.length; i++) {
                    latencyCounts[i] = (long) buckets[i].count();
                }
                latencyCounts[LATENCY_BUCKETS.length] = t.count();
            }
            final Counter f = failovers;
            return new Reading(attempts, f == null ? 0 : (long) f.count(), failed, status5xx, latencyCounts);
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
