package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigError;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Who references whom: load balancers reference pools, pools reference monitors and monitor groups, monitor groups
 * reference monitors (spec §7.1 referential checks).
 *
 * <p>One definition serves every use: write-time existence checks, the 1005 refusal to delete a referenced object,
 * the {@code /references} endpoints and search. A load balancer references a pool through {@code default_pools},
 * {@code fallback_pool}, the region/country/PoP maps (whatever the steering policy), the same fields of rule
 * overrides, a rule's {@code overrides.pools}, and a pool set's {@code overrides.pools} and
 * {@code overrides.fallback_pool} (spec §4.6; disabled sets too, they can be enabled again). The keys of
 * {@code random_steering.pool_weights} and of {@code overrides.pool_weights} are weights, not references: a weight
 * sends no traffic to a pool the request does not already have as a candidate, so a stale key is harmless and must
 * not stop the pool from being deleted.
 */
final class References {

    /** One place where a load balancer names a pool; {@code path} is the JSON field path for error messages. */
    record PoolUse(String path, String poolId) {
    }

    static final String REFERRER = "referrer";
    static final String REFERRAL = "referral";

    static final Comparator<LoadBalancer> LB_ORDER =
            Comparator.comparing(LoadBalancer::createdOn).thenComparing(LoadBalancer::id);
    static final Comparator<Pool> POOL_ORDER = Comparator.comparing(Pool::createdOn).thenComparing(Pool::id);
    static final Comparator<Monitor> MONITOR_ORDER =
            Comparator.comparing(Monitor::createdOn).thenComparing(Monitor::id);
    static final Comparator<MonitorGroup> GROUP_ORDER =
            Comparator.comparing(MonitorGroup::createdOn).thenComparing(MonitorGroup::id);

    private References() {
    }

    static List<PoolUse> poolUses(LoadBalancer lb) {
        final List<PoolUse> uses = new ArrayList<>();
        addList(uses, "default_pools", lb.defaultPools());
        addOne(uses, "fallback_pool", lb.fallbackPool());
        addMap(uses, "region_pools", lb.regionPools());
        addMap(uses, "country_pools", lb.countryPools());
        addMap(uses, "pop_pools", lb.popPools());
        for (int i = 0; i < lb.rules().size(); i++) {
            final Rule rule = lb.rules().get(i);
            final RuleOverrides o = rule.overrides();
            if (o == null) {
                continue;
            }
            final String prefix = "rules[" + i + "].overrides.";
            addList(uses, prefix + "default_pools", o.defaultPools());
            addOne(uses, prefix + "fallback_pool", o.fallbackPool());
            addMap(uses, prefix + "region_pools", o.regionPools());
            addMap(uses, prefix + "country_pools", o.countryPools());
            addMap(uses, prefix + "pop_pools", o.popPools());
            addList(uses, prefix + "pools", o.pools());
        }
        for (int i = 0; i < lb.poolSets().size(); i++) {
            final RuleOverrides o = lb.poolSets().get(i).overrides();
            if (o != null) {
                final String prefix = "pool_sets[" + i + "].overrides.";
                addList(uses, prefix + "pools", o.pools());
                addOne(uses, prefix + "fallback_pool", o.fallbackPool());
            }
        }
        return uses;
    }

    /** The load balancers that name the pool, oldest first (through the index: no scan). */
    static List<LoadBalancer> loadBalancersUsing(ConfigIndex index, String poolId) {
        return ConfigIndex.objects(index.loadBalancersUsing(poolId), index.config().loadBalancers(), LB_ORDER);
    }

    /** The pools that use the monitor, oldest first (through the index: no scan). */
    static List<Pool> poolsUsing(ConfigIndex index, String monitorId) {
        return ConfigIndex.objects(index.poolsUsing(monitorId), index.config().pools(), POOL_ORDER);
    }

    /** The pools that use the monitor group, oldest first (through the index: no scan). */
    static List<Pool> poolsUsingGroup(ConfigIndex index, String groupId) {
        return ConfigIndex.objects(index.poolsUsingGroup(groupId), index.config().pools(), POOL_ORDER);
    }

    /** The monitor groups that list the monitor, oldest first (through the index: no scan). */
    static List<MonitorGroup> groupsUsing(ConfigIndex index, String monitorId) {
        return ConfigIndex.objects(index.groupsUsing(monitorId), index.config().monitorGroups(), GROUP_ORDER);
    }

    /** The distinct pools a load balancer names, in first-use order. */
    static List<String> poolIds(LoadBalancer lb) {
        return poolUses(lb).stream().map(PoolUse::poolId).distinct().toList();
    }

    /**
     * A reference a write makes must name an object of the writer's own account, else 1002 naming the field:
     * {@code monitor: '<id>' (expected: the id of a monitor in this account)}. A null id refers to nothing.
     *
     * @param owner the account id of a stored object
     * @param what  the kind as a phrase, e.g. {@code "a monitor group"}
     */
    static <T> void requireInAccount(String path, String id, Map<String, T> objects, Function<T, String> owner,
                                     Account account, String what) {
        if (id == null) {
            return;
        }
        final T object = objects.get(id);
        if (object == null || !owner.apply(object).equals(account.id())) {
            throw new ConfigException(new ConfigError(path, path + ": '" + Paging.clip(id)
                    + "' (expected: the id of " + what + " in this account)", 1002));
        }
    }

    /** One item of a {@code references} array (spec §7.1). */
    static ObjectNode reference(String referenceType, String resourceType, String id, String name) {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("reference_type", referenceType);
        node.put("resource_type", resourceType);
        node.put("resource_id", id);
        node.put("resource_name", name);
        return node;
    }

    private static void addOne(List<PoolUse> uses, String path, String poolId) {
        if (poolId != null) {
            uses.add(new PoolUse(path, poolId));
        }
    }

    private static void addList(List<PoolUse> uses, String path, List<String> poolIds) {
        if (poolIds == null) {
            return;
        }
        for (int i = 0; i < poolIds.size(); i++) {
            addOne(uses, path + '[' + i + ']', poolIds.get(i));
        }
    }

    private static void addMap(List<PoolUse> uses, String path, Map<String, List<String>> map) {
        if (map == null) {
            return;
        }
        // Sorted so error messages and reference lists come out the same on every call.
        new TreeMap<>(map).forEach((key, ids) -> addList(uses, path + '.' + key, ids));
    }
}
