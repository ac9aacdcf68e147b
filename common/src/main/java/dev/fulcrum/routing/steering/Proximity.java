package dev.fulcrum.routing.steering;

/**
 * {@code proximity}: the usable pool nearest to this node by great-circle distance (spec §4.2). Pools without
 * coordinates (or every pool, when the node's own location is not configured) rank last, in failover order [G].
 */
final class Proximity implements PoolSteering {

    static final Proximity INSTANCE = new Proximity();

    private Proximity() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (long bits = usable; bits != 0; bits &= bits - 1) {
            final int i = Long.numberOfTrailingZeros(bits);
            final double distance = candidates.distanceKm(i);
            if (distance < bestDistance) { // false for NaN: unknown never beats known
                bestDistance = distance;
                best = i;
            }
        }
        return best >= 0 ? best : Failover.first(usable);
    }

    @Override
    public String toString() {
        return "proximity";
    }
}
