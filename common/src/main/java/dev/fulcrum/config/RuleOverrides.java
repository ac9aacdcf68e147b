package dev.fulcrum.config;

import java.util.List;
import java.util.Map;

/**
 * Per-request overrides of a rule, spec §6. Every component is nullable: null means "not overridden".
 */
public record RuleOverrides(AdaptiveRouting adaptiveRouting, Map<String, List<String>> countryPools,
                            List<String> defaultPools, String fallbackPool, LocationStrategy locationStrategy,
                            Map<String, List<String>> popPools, RandomSteering randomSteering,
                            Map<String, List<String>> regionPools, String sessionAffinity,
                            SessionAffinityAttributes sessionAffinityAttributes, Integer sessionAffinityTtl,
                            String steeringPolicy, Integer ttl) {
}
