package dev.fulcrum.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A load balancer, zone-scoped, named by the hostname it answers for (spec §1). All defaults are applied.
 *
 * @param steeringPolicy     one of spec §4.2, including {@code ""}
 * @param sessionAffinity    {@code none}, {@code cookie}, {@code ip_cookie}, {@code header} ({@code ""} is stored
 *                           as {@code none})
 * @param sessionAffinityTtl seconds; nullable when affinity is {@code none} and none was given
 * @param networks           nullable, stored only
 * @param poolSets           evaluated in order before the rules (spec §4.6); empty when none
 */
public record LoadBalancer(String id, String zoneId, Instant createdOn, Instant modifiedOn, String name,
                           String description, boolean enabled, boolean proxied, int ttl, String fallbackPool,
                           List<String> defaultPools, Map<String, List<String>> regionPools,
                           Map<String, List<String>> countryPools, Map<String, List<String>> popPools,
                           String steeringPolicy, RandomSteering randomSteering, AdaptiveRouting adaptiveRouting,
                           LocationStrategy locationStrategy, String sessionAffinity, Integer sessionAffinityTtl,
                           SessionAffinityAttributes sessionAffinityAttributes, List<Rule> rules,
                           List<String> networks, List<PoolSet> poolSets) {

    /**
     * The most pool ids one list may hold ({@code default_pools}, each geo list, a rule's pool lists) [G]: Cloudflare
     * publishes no limit, and the router keeps a list's usable pools as the bits of one {@code long}.
     */
    public static final int MAX_POOLS_PER_LIST = 64;

    public LoadBalancer {
        defaultPools = List.copyOf(defaultPools);
        regionPools = regionPools == null ? Map.of() : Map.copyOf(regionPools);
        countryPools = countryPools == null ? Map.of() : Map.copyOf(countryPools);
        popPools = popPools == null ? Map.of() : Map.copyOf(popPools);
        rules = rules == null ? List.of() : List.copyOf(rules);
        networks = networks == null ? null : List.copyOf(networks);
        poolSets = poolSets == null ? List.of() : List.copyOf(poolSets);
    }

    /** A load balancer without pool sets: most load balancers, and every plan built for overrides. */
    public LoadBalancer(String id, String zoneId, Instant createdOn, Instant modifiedOn, String name,
                        String description, boolean enabled, boolean proxied, int ttl, String fallbackPool,
                        List<String> defaultPools, Map<String, List<String>> regionPools,
                        Map<String, List<String>> countryPools, Map<String, List<String>> popPools,
                        String steeringPolicy, RandomSteering randomSteering, AdaptiveRouting adaptiveRouting,
                        LocationStrategy locationStrategy, String sessionAffinity, Integer sessionAffinityTtl,
                        SessionAffinityAttributes sessionAffinityAttributes, List<Rule> rules,
                        List<String> networks) {
        this(id, zoneId, createdOn, modifiedOn, name, description, enabled, proxied, ttl, fallbackPool,
                defaultPools, regionPools, countryPools, popPools, steeringPolicy, randomSteering, adaptiveRouting,
                locationStrategy, sessionAffinity, sessionAffinityTtl, sessionAffinityAttributes, rules, networks,
                List.of());
    }
}
