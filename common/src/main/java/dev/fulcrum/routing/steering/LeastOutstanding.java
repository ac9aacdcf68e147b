package dev.fulcrum.routing.steering;

import dev.fulcrum.routing.choice.WeightedChoice;
import dev.fulcrum.routing.choice.WeightedChoice.Scorer;

/**
 * {@code least_outstanding_requests}: weighted random with effective weight = pool weight ÷ (1 + in-flight
 * requests), so a pool with more pending work is chosen proportionally less (spec §4.2). Proportional, not "the
 * minimum", so a burst decided before any request completes still spreads.
 */
final class LeastOutstanding implements PoolSteering {

    static final LeastOutstanding INSTANCE = new LeastOutstanding();

    private static final Scorer<PoolCandidates> BY_LOAD = (c, i) -> c.weight(i) / (1.0 + c.outstanding(i));

    private LeastOutstanding() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return WeightedChoice.amongUsable(candidates, usable, BY_LOAD);
    }

    @Override
    public String toString() {
        return "least_outstanding_requests";
    }
}
