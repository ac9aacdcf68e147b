package dev.fulcrum.routing.origin;

/** {@code random}: probability = weight ÷ Σ weights of the usable origins (spec §4.4). */
final class Random implements OriginSteering {

    static final Random INSTANCE = new Random();

    private static final Weighted.Scorer BY_WEIGHT = OriginCandidates::weight;

    private Random() {
    }

    @Override
    public int pick(OriginCandidates candidates, long clientHash, int excluded) {
        return Weighted.choose(candidates, excluded, BY_WEIGHT);
    }

    @Override
    public String toString() {
        return "random";
    }
}
