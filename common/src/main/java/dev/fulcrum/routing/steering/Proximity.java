package dev.fulcrum.routing.steering;

/**
 * {@code proximity}: the usable pool nearest to this node by great-circle distance (spec §4.2). Pools without
 * coordinates (or every pool, when the node's own location is not configured) rank last, in failover order [G].
 */
final class Proximity implements PoolSteering {

    static final Proximity INSTANCE = new Proximity();

    private static final Lowest.Measure BY_DISTANCE = PoolCandidates::distanceKm;

    private Proximity() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return Lowest.choose(candidates, usable, BY_DISTANCE);
    }

    @Override
    public String toString() {
        return "proximity";
    }
}
