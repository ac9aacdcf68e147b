package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names that become tag values, read from one configuration snapshot: what the router reports by id is
 * turned into the configured names here, and a tag combination is valid only while the configuration still holds it.
 * That is what bounds cardinality and what removes the meters of deleted or renamed objects.
 *
 * <p>A view, not an index: making one costs nothing (a configuration change must not cost in proportion to the
 * configuration), and {@link #has} looks at one load balancer and one pool, which it is asked only when a meter is
 * about to be created. Immutable.
 */
final class ConfigNames {

    static final ConfigNames EMPTY = new ConfigNames(ConfigSnapshot.EMPTY);

    private final ConfigSnapshot config;

    ConfigNames(ConfigSnapshot config) {
        this.config = config;
    }

    /** Ids of the pools a load balancer can send to (default, fallback, by location, rule and pool-set overrides). */
    static Set<String> poolsOf(LoadBalancer lb) {
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
        return pools;
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
        final LoadBalancer lb = config.loadBalancers().get(lbId);
        return lb == null ? null : lb.name();
    }

    /** The pool's name, or null when it is not configured. */
    String poolName(String poolId) {
        final Pool pool = config.pools().get(poolId);
        return pool == null ? null : pool.name();
    }

    /**
     * True when the load balancer exists, can use the pool, and the pool has an origin of that name ({@code ""}:
     * any origin, for meters kept per pool).
     */
    boolean has(String lbId, String poolId, String originName) {
        final LoadBalancer lb = config.loadBalancers().get(lbId);
        final Pool pool = config.pools().get(poolId);
        if (lb == null || pool == null || !poolsOf(lb).contains(poolId)) {
            return false;
        }
        if (originName.isEmpty()) {
            return true;
        }
        for (Origin origin : pool.origins()) {
            if (origin.name().equals(originName)) {
                return true;
            }
        }
        return false;
    }
}
