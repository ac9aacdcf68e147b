package dev.fulcrum.routing.origin;

/**
 * {@code least_connections}: weighted random with effective weight = weight ÷ (1 + open upstream connections)
 * (spec §4.4). The connection count comes from the wrapper's reports; {@link OriginCandidates#connections} falls back
 * to in-flight requests when the wrapper reports none.
 */
final class LeastConnections implements OriginSteering {

    static final LeastConnections INSTANCE = new LeastConnections();

    private static final Weighted.Scorer BY_CONNECTIONS = (c, i) -> c.weight(i) / (1.0 + c.connections(i));

    private LeastConnections() {
    }

    @Override
    public int pick(OriginCandidates candidates, long clientHash, int excluded) {
        return Weighted.choose(candidates, excluded, BY_CONNECTIONS);
    }

    @Override
    public String toString() {
        return "least_connections";
    }
}
