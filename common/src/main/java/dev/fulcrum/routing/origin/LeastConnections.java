package dev.fulcrum.routing.origin;

import dev.fulcrum.routing.choice.WeightedChoice;
import dev.fulcrum.routing.choice.WeightedChoice.Scorer;

/**
 * {@code least_connections}: weighted random with effective weight = weight ÷ (1 + open upstream connections)
 * (spec §4.4). The connection count comes from the wrapper's reports; {@link OriginCandidates#connections} falls back
 * to in-flight requests when the wrapper reports none.
 */
final class LeastConnections implements OriginSteering {

    static final LeastConnections INSTANCE = new LeastConnections();

    private static final Scorer<OriginCandidates> BY_CONNECTIONS = (c, i) -> c.weight(i) / (1.0 + c.connections(i));

    private LeastConnections() {
    }

    @Override
    public int pick(OriginCandidates candidates, long clientHash, int excluded) {
        return WeightedChoice.among(candidates, candidates.size(), excluded, BY_CONNECTIONS);
    }

    @Override
    public String toString() {
        return "least_connections";
    }
}
