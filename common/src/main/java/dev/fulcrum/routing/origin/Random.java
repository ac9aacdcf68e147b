package dev.fulcrum.routing.origin;

import dev.fulcrum.routing.choice.WeightedChoice;
import dev.fulcrum.routing.choice.WeightedChoice.Scorer;

/** {@code random}: probability = weight ÷ Σ weights of the usable origins (spec §4.4). */
final class Random implements OriginSteering {

    static final Random INSTANCE = new Random();

    private static final Scorer<OriginCandidates> BY_WEIGHT = OriginCandidates::weight;

    private Random() {
    }

    @Override
    public int pick(OriginCandidates candidates, long clientHash, int excluded) {
        return WeightedChoice.among(candidates, candidates.size(), excluded, BY_WEIGHT);
    }

    @Override
    public String toString() {
        return "random";
    }
}
