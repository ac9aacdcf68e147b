package dev.fulcrum.routing.steering;

/**
 * {@code least_connections}: weighted random with effective weight = pool weight ÷ (1 + open upstream connections)
 * (spec §4.2). {@link PoolCandidates#connections} falls back to in-flight requests while the wrapper reports no
 * connection events.
 */
final class LeastConnections implements PoolSteering {

    static final LeastConnections INSTANCE = new LeastConnections();

    private static final Weighted.Scorer BY_CONNECTIONS = (c, i) -> c.weight(i) / (1.0 + c.connections(i));

    private LeastConnections() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return Weighted.choose(candidates, usable, BY_CONNECTIONS);
    }

    @Override
    public String toString() {
        return "least_connections";
    }
}
