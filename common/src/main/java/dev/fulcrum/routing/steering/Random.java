package dev.fulcrum.routing.steering;

import dev.fulcrum.routing.choice.WeightedChoice;
import dev.fulcrum.routing.choice.WeightedChoice.Scorer;

/** {@code random}: probability = pool weight ÷ Σ weights of the usable pools (spec §4.2). */
final class Random implements PoolSteering {

    static final Random INSTANCE = new Random();

    private static final Scorer<PoolCandidates> BY_WEIGHT = PoolCandidates::weight;

    private Random() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return WeightedChoice.amongUsable(candidates, usable, BY_WEIGHT);
    }

    @Override
    public String toString() {
        return "random";
    }
}
