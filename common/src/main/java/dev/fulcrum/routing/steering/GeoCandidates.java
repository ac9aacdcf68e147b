package dev.fulcrum.routing.steering;

import dev.fulcrum.config.LoadBalancer;

import java.util.List;
import java.util.Map;

/**
 * The {@code geo} candidate stage: which pool list applies to a location (spec §4.2). The first map that has a
 * non-empty entry for the location wins: {@code pop_pools[pop]}, then {@code country_pools[country]}, then
 * {@code region_pools[region]}, else {@code default_pools}. An empty list counts as "not defined" [G], because a
 * defined-but-empty list would leave only the fallback pool.
 *
 * <p>Returns one of the load balancer's own list instances (never a copy), so callers can key precomputed state on
 * list identity.
 */
public final class GeoCandidates {

    private GeoCandidates() {
    }

    /**
     * The pool id list for a location; any location part may be null (unknown).
     *
     * @param pop     PoP / colo code, upper case (e.g. {@code LAX})
     * @param country ISO-3166-1 alpha-2, upper case
     * @param region  one of the 13 region codes (e.g. {@code WNAM})
     */
    public static List<String> select(LoadBalancer lb, String pop, String country, String region) {
        List<String> pools = lookup(lb.popPools(), pop);
        if (pools == null) {
            pools = lookup(lb.countryPools(), country);
        }
        if (pools == null) {
            pools = lookup(lb.regionPools(), region);
        }
        return pools == null ? lb.defaultPools() : pools;
    }

    private static List<String> lookup(Map<String, List<String>> map, String key) {
        if (key == null || map.isEmpty()) {
            return null;
        }
        final List<String> pools = map.get(key);
        return pools == null || pools.isEmpty() ? null : pools;
    }
}
