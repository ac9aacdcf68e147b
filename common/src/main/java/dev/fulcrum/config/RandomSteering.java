package dev.fulcrum.config;

import java.util.Map;

/** Weights for {@code random} steering (also scales the least_* pool counters), spec §1. */
public record RandomSteering(double defaultWeight, Map<String, Double> poolWeights) {

    public static final RandomSteering DEFAULT = new RandomSteering(1.0, Map.of());

    public RandomSteering {
        poolWeights = poolWeights == null ? Map.of() : Map.copyOf(poolWeights);
    }

    public double weightOf(String poolId) {
        return poolWeights.getOrDefault(poolId, defaultWeight);
    }
}
