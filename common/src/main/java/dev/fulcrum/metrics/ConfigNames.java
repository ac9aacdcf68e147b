package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names that become tag values, indexed from one configuration snapshot: what the router reports by id is
 * turned into the configured names here, and a tag combination is valid only while the configuration still holds it.
 * That is what bounds cardinality and what removes the meters of deleted or renamed objects. Immutable.
 */
final class ConfigNames {

    static final ConfigNames EMPTY = new ConfigNames(ConfigSnapshot.EMPTY);

    private final ConfigSnapshot config;
    private final Map<String, String> lbNames = new HashMap<>();
    /** Load balancer id → ids of the pools it can send to (default, fallback, by location, rule overrides). */
    private final Map<String, Set<String>> lbPools = new HashMap<>();
    /** Pool id → origin names. */
    private final Map<String, Set<String>> poolOrigins = new HashMap<>();

    ConfigNames(ConfigSnapshot config) {
        this.config = config;
        for (Pool pool : config.pools().values()) {
            final Set<String> origins = new HashSet<>();
            for (Origin origin : pool.origins()) {
                origins.add(origin.name());
            }
            poolOrigins.put(pool.id(), origins);
        }
        for (LoadBalancer lb : config.loadBalancers().values()) {
            lbNames.put(lb.id(), lb.name());
            final Set<String> pools = new HashSet<>();
            addPools(pools, lb.defaultPools(), lb.fallbackPool(), lb.regionPools(), lb.countryPools(), lb.popPools());
            for (Rule rule : lb.rules()) {
                final RuleOverrides o = rule.overrides();
                if (o != null) {
                    addPools(pools, o.defaultPools(), o.fallbackPool(), o.regionPools(), o.countryPools(),
                            o.popPools());
                    if (o.pools() != null) {
                        pools.addAll(o.pools());
                    }
                }
            }
            for (PoolSet set : lb.poolSets()) {
                final RuleOverrides o = set.overrides();
                if (o != null) {
                    addPools(pools, o.pools(), o.fallbackPool(), null, null, null);
                }
            }
            lbPools.put(lb.id(), pools);
        }
    }

    private static void addPools(Set<String> into, List<String> defaults, String fallback,
                                 Map<String, List<String>> region, Map<String, List<String>> country,
                                 Map<String, List<String>> pop) {
        if (defaults != null) {
            into.addAll(defaults);
        }
        if (fallback != null) {
            into.add(fallback);
        }
        for (Map<String, List<String>> byLocation : List.of(nullSafe(region), nullSafe(country), nullSafe(pop))) {
            byLocation.values().forEach(into::addAll);
        }
    }

    private static Map<String, List<String>> nullSafe(Map<String, List<String>> map) {
        return map == null ? Map.of() : map;
    }

    ConfigSnapshot config() {
        return config;
    }

    /** The load balancer's name, or null when it is not configured. */
    String lbName(String lbId) {
        return lbNames.get(lbId);
    }

    /** The pool's name, or null when it is not configured. */
    String poolName(String poolId) {
        final Pool pool = config.pools().get(poolId);
        return pool == null ? null : pool.name();
    }

    Collection<Pool> pools() {
        return config.pools().values();
    }

    /** True when the load balancer exists, can use the pool, and the pool has an origin of that name. */
    boolean has(String lbId, String poolId, String originName) {
        final Set<String> pools = lbPools.get(lbId);
        final Set<String> origins = poolOrigins.get(poolId);
        return pools != null && pools.contains(poolId) && origins != null && origins.contains(originName);
    }
}
