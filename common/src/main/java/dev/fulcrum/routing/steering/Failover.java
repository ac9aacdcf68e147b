package dev.fulcrum.routing.steering;

/** {@code off}: the first usable pool in order; an unusable pool further down is simply skipped (spec §4.2). */
final class Failover implements PoolSteering {

    static final Failover INSTANCE = new Failover();

    private Failover() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return first(usable);
    }

    /** The lowest set bit's index, or -1 for an empty mask. */
    static int first(long usable) {
        return usable == 0 ? -1 : Long.numberOfTrailingZeros(usable);
    }

    @Override
    public String toString() {
        return "off";
    }
}
