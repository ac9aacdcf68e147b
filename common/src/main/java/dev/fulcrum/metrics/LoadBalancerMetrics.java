package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.routing.AffinityRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per load balancer meters, tagged {@code lb} with its configured name:
 * <ul>
 *   <li>{@value MetricNames#LB_FIXED_RESPONSES} {lb, status}: answers the load balancer gave itself (530/1016 when
 *       nothing is usable, 508 on a loop, a rule's fixed response), reported by the router through
 *       {@link dev.fulcrum.routing.OutcomeListener#answered};</li>
 *   <li>{@value MetricNames#LB_AFFINITY} {lb, result}: session affinity hits, misses and re-pins, reported by the
 *       router's affinity stage through {@link AffinityRecorder}.</li>
 * </ul>
 * Status values come from the router (530, 508) or from configured fixed responses, so they are bounded by
 * configuration too. Counters are created on first use for configured load balancers only and removed by
 * {@link #update} when their load balancer is deleted or renamed.
 *
 * <p>Thread safety: safe for concurrent use; recording takes no lock once a counter exists.
 */
final class LoadBalancerMetrics implements AffinityRecorder, MeterBinder {

    private static final String[] AFFINITY_RESULTS = {"hit", "miss", "repin"};
    private static final int HIT = 0;
    private static final int MISS = 1;
    private static final int REPIN = 2;

    private final Object lock = new Object();
    /** Load balancer id → its counters; read without locking. */
    private final Map<String, LbCounters> counters = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private volatile ConfigNames names = ConfigNames.EMPTY;

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry = Objects.requireNonNull(meterRegistry, "registry");
    }

    /** Adopts a new configuration: counters of deleted or renamed load balancers are removed. */
    public void update(ConfigSnapshot config) {
        update(ConfigChange.between(names.config(), config));
    }

    /** Adopts a committed change: only the counters of the load balancers it names are checked. */
    public void update(ConfigChange change) {
        synchronized (lock) {
            final ConfigChange c = change.since(names.config());
            final ConfigNames next = new ConfigNames(c.next());
            names = next;
            for (String lbId : c.loadBalancers()) {
                final LbCounters counter = counters.get(lbId);
                if (counter != null && !counter.lbName.equals(next.lbName(lbId))) {
                    counter.remove();
                    counters.remove(lbId);
                }
            }
        }
    }

    /** The load balancer {@code lbId} answered a request itself with {@code status}. */
    public void fixedResponse(String lbId, int status) {
        final LbCounters c = counters(lbId);
        if (c != null) {
            c.fixed(status);
        }
    }

    @Override
    public void hit(String loadBalancerId) {
        affinity(loadBalancerId, HIT);
    }

    @Override
    public void miss(String loadBalancerId) {
        affinity(loadBalancerId, MISS);
    }

    @Override
    public void repinned(String loadBalancerId) {
        affinity(loadBalancerId, REPIN);
    }

    private void affinity(String lbId, int result) {
        final LbCounters c = counters(lbId);
        if (c != null) {
            c.affinity(result);
        }
    }

    /**
     * Reads each load balancer's own answers so far (cumulative since its counters were created), for the traffic
     * history: all of them, and those with a 5xx status (530 when nothing is usable, 508 on a loop).
     */
    void readAnswers(AnswerReader reader) {
        for (Map.Entry<String, LbCounters> e : counters.entrySet()) {
            long all = 0;
            long status5xx = 0;
            for (Map.Entry<Integer, Counter> fixed : e.getValue().fixed.entrySet()) {
                final long n = (long) fixed.getValue().count();
                all += n;
                if (fixed.getKey() >= 500 && fixed.getKey() < 600) {
                    status5xx += n;
                }
            }
            reader.answers(e.getKey(), all, status5xx);
        }
    }

    /** Receives one load balancer's cumulative own answers in {@link #readAnswers}. */
    @FunctionalInterface
    interface AnswerReader {
        void answers(String lbId, long all, long status5xx);
    }

    private LbCounters counters(String lbId) {
        if (lbId == null) {
            return null;
        }
        final LbCounters c = counters.get(lbId);
        if (c != null) {
            return c;
        }
        final MeterRegistry r = registry;
        if (r == null) {
            return null;
        }
        synchronized (lock) {
            final String lbName = names.lbName(lbId);
            return lbName == null ? null : counters.computeIfAbsent(lbId, k -> new LbCounters(r, lbName));
        }
    }

    /**
     * One load balancer's counters, each created on first use. Creation and {@link #remove} are synchronized and a
     * removed instance creates nothing more, so a report racing with a configuration change leaves no meter behind.
     */
    private static final class LbCounters {

        private final MeterRegistry registry;
        private final String lbName;
        private final AtomicReferenceArray<Counter> affinity = new AtomicReferenceArray<>(AFFINITY_RESULTS.length);
        private final Map<Integer, Counter> fixed = new ConcurrentHashMap<>();
        private boolean removed;

        LbCounters(MeterRegistry registry, String lbName) {
            this.registry = registry;
            this.lbName = lbName;
        }

        void affinity(int result) {
            Counter c = affinity.get(result);
            if (c == null) {
                c = newAffinity(result);
                if (c == null) {
                    return;
                }
            }
            c.increment();
        }

        private synchronized Counter newAffinity(int result) {
            if (removed) {
                return null;
            }
            Counter c = affinity.get(result);
            if (c == null) {
                c = Counter.builder(MetricNames.LB_AFFINITY)
                        .description("Session affinity: served on the pin, new session, pin broken and replaced")
                        .tag(MetricNames.TAG_LB, lbName).tag(MetricNames.TAG_RESULT, AFFINITY_RESULTS[result])
                        .register(registry);
                affinity.set(result, c);
            }
            return c;
        }

        void fixed(int status) {
            Counter c = fixed.get(status);
            if (c == null) {
                c = newFixed(status);
                if (c == null) {
                    return;
                }
            }
            c.increment();
        }

        private synchronized Counter newFixed(int status) {
            if (removed) {
                return null;
            }
            return fixed.computeIfAbsent(status, s -> Counter.builder(MetricNames.LB_FIXED_RESPONSES)
                    .description("Answers a load balancer gave itself (no usable origin, loop, fixed response)")
                    .tag(MetricNames.TAG_LB, lbName).tag(MetricNames.TAG_STATUS, Integer.toString(s))
                    .register(registry));
        }

        synchronized void remove() {
            removed = true;
            for (int i = 0; i < affinity.length(); i++) {
                final Counter c = affinity.get(i);
                if (c != null) {
                    registry.remove(c);
                }
            }
            fixed.values().forEach(registry::remove);
        }
    }
}
