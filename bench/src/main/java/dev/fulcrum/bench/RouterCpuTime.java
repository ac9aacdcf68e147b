package dev.fulcrum.bench;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.SnapshotRouter;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The RouterBenchmark decision measured in thread CPU time instead of wall-clock time: on a machine shared with
 * other work, time spent descheduled does not count, so the figure stays close to what an idle machine shows.
 * Complements JMH (which it does not replace: no blackhole, no forking; the result is consumed by a checksum).
 *
 * <p>Run: {@code java -cp bench/target/fulcrum-benchmarks.jar dev.fulcrum.bench.RouterCpuTime [affinity]}, where
 * the optional argument limits the run to one affinity case ({@code none}, {@code cookie_new},
 * {@code cookie_pinned}), or {@code rules} runs {@link RuleBenchmark}'s cases instead.
 */
public final class RouterCpuTime {

    private static final int DECISIONS_PER_ROUND = 2_000_000;
    private static final int WARMUP_ROUNDS = 5;
    private static final int ROUNDS = 5;

    private RouterCpuTime() {
    }

    public static void main(String[] args) {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final String only = args.length > 0 ? args[0] : null;
        if ("rules".equals(only)) {
            for (String rule : new String[] {"none", "miss", "half"}) {
                final RuleBenchmark state = new RuleBenchmark();
                state.rule = rule;
                state.setUp();
                measure(threads, "rule=" + rule, state.router, state.requests);
            }
            return;
        }
        for (String affinity : new String[] {"none", "cookie_new", "cookie_pinned"}) {
            if (only != null && !only.equals(affinity)) {
                continue;
            }
            for (String steering : new String[] {"off", "random", "least_outstanding_requests"}) {
                for (String origins : new String[] {"random", "hash"}) {
                    run(threads, affinity, steering, origins);
                }
            }
        }
    }

    private static void run(ThreadMXBean threads, String affinity, String steering, String origins) {
        final RouterBenchmark state = new RouterBenchmark();
        state.steeringPolicy = steering;
        state.originSteering = origins;
        state.affinity = affinity;
        state.setUp();
        measure(threads, String.format(Locale.ROOT, "affinity=%-13s steering=%-27s originSteering=%-7s", affinity,
                steering, origins), state.router, state.requests);
    }

    private static void measure(ThreadMXBean threads, String label, SnapshotRouter router, RequestView[] requests) {
        long checksum = 0;
        for (int r = 0; r < WARMUP_ROUNDS; r++) {
            checksum += round(router, requests);
        }
        double best = Double.MAX_VALUE;
        double sum = 0;
        for (int r = 0; r < ROUNDS; r++) {
            final long start = threads.getCurrentThreadCpuTime();
            checksum += round(router, requests);
            final double perDecision = (threads.getCurrentThreadCpuTime() - start) / (double) DECISIONS_PER_ROUND;
            best = Math.min(best, perDecision);
            sum += perDecision;
        }
        System.out.printf(Locale.ROOT, "%s cpu ns/decision: mean %.0f, best %.0f (checksum %d)%n", label,
                sum / ROUNDS, best, checksum);
    }

    private static long round(SnapshotRouter router, RequestView[] requests) {
        long checksum = 0;
        for (int i = 0; i < DECISIONS_PER_ROUND; i++) {
            final RouteDecision decision = router.route(requests[i & (requests.length - 1)]);
            if (decision instanceof RouteDecision.Forward forward) {
                checksum += forward.port();
                forward.complete(Outcome.RESPONDED, 200, 1_000_000);
            }
        }
        return checksum;
    }
}
