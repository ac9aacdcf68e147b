package dev.fulcrum.routing.steering;

/** {@code random}: probability = pool weight ÷ Σ weights of the usable pools (spec §4.2). */
final class Random implements PoolSteering {

    static final Random INSTANCE = new Random();

    private static final Weighted.Scorer BY_WEIGHT = PoolCandidates::weight;

    private Random() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return Weighted.choose(candidates, usable, BY_WEIGHT);
    }

    @Override
    public String toString() {
        return "random";
    }
}
