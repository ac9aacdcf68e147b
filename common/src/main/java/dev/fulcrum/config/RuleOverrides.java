package dev.fulcrum.config;

import java.util.List;
import java.util.Map;

/**
 * Per-request overrides of a rule, spec §6. Every component is nullable: null means "not overridden".
 *
 * @param pools             the newer flat pool list: the candidate pools of a matching request, in failover order,
 *                          replacing {@code default_pools} and the geo maps
 * @param poolWeights       the newer per-pool weights (0–1), replacing {@code random_steering.pool_weights}; never
 *                          set together with {@code randomSteering}
 * @param poolDefaultWeight the newer default pool weight (0–1), replacing {@code random_steering.default_weight};
 *                          never set together with {@code randomSteering}
 */
public record RuleOverrides(AdaptiveRouting adaptiveRouting, Map<String, List<String>> countryPools,
                            List<String> defaultPools, String fallbackPool, LocationStrategy locationStrategy,
                            Map<String, List<String>> popPools, RandomSteering randomSteering,
                            Map<String, List<String>> regionPools, String sessionAffinity,
                            SessionAffinityAttributes sessionAffinityAttributes, Integer sessionAffinityTtl,
                            String steeringPolicy, Integer ttl, List<String> pools, Map<String, Double> poolWeights,
                            Double poolDefaultWeight) {

    public RuleOverrides {
        // Copies, so a rule stays immutable whatever the caller does with the collections it passed.
        pools = pools == null ? null : List.copyOf(pools);
        poolWeights = poolWeights == null ? null : Map.copyOf(poolWeights);
    }
}
