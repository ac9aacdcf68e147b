package dev.fulcrum.routing.steering;

import dev.fulcrum.routing.choice.WeightedChoice;
import dev.fulcrum.routing.choice.WeightedChoice.Scorer;

/**
 * {@code least_connections}: weighted random with effective weight = pool weight ÷ (1 + open upstream connections)
 * (spec §4.2). {@link PoolCandidates#connections} falls back to in-flight requests while the wrapper reports no
 * connection events.
 */
final class LeastConnections implements PoolSteering {

    static final LeastConnections INSTANCE = new LeastConnections();

    private static final Scorer<PoolCandidates> BY_CONNECTIONS = (c, i) -> c.weight(i) / (1.0 + c.connections(i));

    private LeastConnections() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return WeightedChoice.amongUsable(candidates, usable, BY_CONNECTIONS);
    }

    @Override
    public String toString() {
        return "least_connections";
    }
}
