package dev.fulcrum.routing.origin;

import dev.fulcrum.routing.choice.WeightedChoice;
import dev.fulcrum.routing.choice.WeightedChoice.Scorer;

/**
 * {@code least_outstanding_requests}: weighted random with effective weight = weight ÷ (1 + in-flight requests), so
 * an origin with more pending work is chosen proportionally less (spec §4.4). Proportional rather than "always the
 * minimum" so that a burst of decisions made before any completes does not all land on the same origin.
 */
final class LeastOutstanding implements OriginSteering {

    static final LeastOutstanding INSTANCE = new LeastOutstanding();

    private static final Scorer<OriginCandidates> BY_LOAD = (c, i) -> c.weight(i) / (1.0 + c.outstanding(i));

    private LeastOutstanding() {
    }

    @Override
    public int pick(OriginCandidates candidates, long clientHash, int excluded) {
        return WeightedChoice.among(candidates, candidates.size(), excluded, BY_LOAD);
    }

    @Override
    public String toString() {
        return "least_outstanding_requests";
    }
}
