package dev.fulcrum.routing.steering;

/**
 * Lowest value wins, for the policies that rank pools by a measurement: {@code dynamic_latency} (average RTT) and
 * {@code proximity} (distance). A pool whose value is unknown (NaN) ranks after every pool with one, so with no
 * values at all the choice is failover order; ties keep failover order too.
 */
final class Lowest {

    /** The value a policy ranks candidate {@code index} by; NaN when unknown. */
    @FunctionalInterface
    interface Measure {
        double of(PoolCandidates candidates, int index);
    }

    private Lowest() {
    }

    /** The usable candidate with the lowest value, or -1 when {@code usable} is 0. */
    static int choose(PoolCandidates candidates, long usable, Measure measure) {
        int best = -1;
        double lowest = Double.POSITIVE_INFINITY;
        for (long bits = usable; bits != 0; bits &= bits - 1) {
            final int i = Long.numberOfTrailingZeros(bits);
            final double value = measure.of(candidates, i);
            if (value < lowest) { // false for NaN: unknown never beats known
                lowest = value;
                best = i;
            }
        }
        return best >= 0 ? best : Failover.first(usable);
    }
}
