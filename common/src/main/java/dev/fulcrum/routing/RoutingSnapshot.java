package dev.fulcrum.routing;

import dev.fulcrum.affinity.AffinityCookieCodec;
import dev.fulcrum.affinity.SessionStore;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.IdMultimap;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthChange;
import dev.fulcrum.health.HealthSnapshot;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything one routing decision reads, fixed at build time: configuration and health folded into per-pool and
 * per-load-balancer plans, plus references to the live counters.
 *
 * <p>Cost of a change: the next snapshot is made from this one and the difference ({@link ConfigChange},
 * {@link HealthChange}): a pool plan is rebuilt when its pool or its results changed, a load-balancer plan when its
 * load balancer changed or a pool plan it looked up was rebuilt (found through {@link #users}), and every map here
 * is persistent, so the rest is shared. Nothing visits the whole configuration, so a write to one pool costs the
 * same with 10 pools or 10,000.
 *
 * <p>Concurrency: immutable after construction and published through one volatile field of {@link SnapshotRouter};
 * a request reads that field once and sees one consistent view (STYLE point 4). The only mutable state reachable
 * from here is the counters ({@link LoadRegistry}, {@link OriginConnections}), which are atomics, and the node's
 * header affinity sessions ({@code affinity.SessionStore}, a concurrent map), all kept across rebuilds; plus each
 * {@link RulePlan}'s cache of plans for rules matching together, a copy-on-write map replaced atomically.
 *
 * <p>Failure: a configuration the router cannot use (unknown policy names) makes {@link #update} throw
 * IllegalArgumentException naming the object; the caller keeps the previous snapshot, and no counter is pruned.
 * Health never fails a build: a missing result just makes a monitored origin unusable (spec §2.3).
 */
final class RoutingSnapshot {

    static final RoutingSnapshot EMPTY = new RoutingSnapshot(ConfigSnapshot.EMPTY, HealthSnapshot.EMPTY,
            HostIndex.EMPTY, TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty(),
            new Built(0, 0));

    final ConfigSnapshot config;
    final HealthSnapshot health;
    final HostIndex hosts;
    final Map<String, PoolPlan> pools;
    /** Load balancer id → its plan, for each enabled load balancer that serves its name. */
    private final TreePMap<String, LbPlan> lbs;
    /** Normalised name → ids of the enabled load balancers with that name (normally one); the smallest serves. */
    private final TreePMap<String, TreePSet<String>> names;
    /** Pool id → ids of the load balancers in {@link #lbs} whose plan looked it up (rules and pool sets too). */
    private final TreePMap<String, TreePSet<String>> users;
    /** What the update that made this snapshot built. */
    private final Built built;

    private RoutingSnapshot(ConfigSnapshot config, HealthSnapshot health, HostIndex hosts,
                            TreePMap<String, PoolPlan> pools, TreePMap<String, LbPlan> lbs,
                            TreePMap<String, TreePSet<String>> names, TreePMap<String, TreePSet<String>> users,
                            Built built) {
        this.config = config;
        this.health = health;
        this.hosts = hosts;
        this.pools = pools;
        this.lbs = lbs;
        this.names = names;
        this.users = users;
        this.built = built;
    }

    /** What the router builds plans with, fixed for its lifetime. */
    record Builders(RoutingSettings settings, LoadRegistry loads, OriginConnections connections,
                    AffinityCookieCodec codec, SessionStore sessions) {
    }

    /** How many pool and load-balancer plans the last {@link #update} built (tests show a change stays local). */
    record Built(int pools, int loadBalancers) {
    }

    Built built() {
        return built;
    }

    /**
     * The snapshot for {@code config.next()} and {@code health.next()}, both of which must start at this
     * snapshot's inputs, reusing every plan whose inputs did not change (plans are immutable, so sharing them is
     * safe; the counters they reference are the same either way). Counters of removed pools and origins are
     * dropped once the new snapshot is complete.
     */
    RoutingSnapshot update(ConfigChange config, HealthChange health, Builders b) {
        if (config.previous() != this.config || health.previous() != this.health) {
            throw new IllegalArgumentException("a change must start at the snapshot it is applied to");
        }
        final ConfigSnapshot cfg = config.next();
        final HealthSnapshot hs = health.next();
        if (cfg == this.config && hs == this.health) {
            return this;
        }

        // Pools: those the configuration or the health results changed.
        TreePMap<String, PoolPlan> nextPools = (TreePMap<String, PoolPlan>) pools;
        // From no plans (a start), the new plans are collected and the persistent map built once, in id order.
        final TreeMap<String, PoolPlan> firstPlans = nextPools.isEmpty() ? new TreeMap<>() : null;
        final Set<String> rebuiltPools = new TreeSet<>();
        final Set<String> poolIds = new TreeSet<>(config.pools());
        poolIds.addAll(health.pools());
        int poolsBuilt = 0;
        for (String id : poolIds) {
            final Pool pool = cfg.pools().get(id);
            final PoolPlan old = nextPools.get(id);
            if (pool == null) {
                if (old != null) {
                    nextPools = nextPools.minus(id);
                    rebuiltPools.add(id);
                }
                continue;
            }
            if (old != null && old.builtFrom(pool, hs)) {
                continue;
            }
            final PoolPlan plan;
            try {
                plan = new PoolPlan(pool, hs, b.settings(), b.loads(), b.connections());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pool " + pool.id() + " (" + pool.name() + "): "
                        + e.getMessage(), e);
            }
            poolsBuilt++;
            if (firstPlans != null) {
                firstPlans.put(id, plan);
            } else {
                nextPools = nextPools.plus(id, plan);
            }
            rebuiltPools.add(id);
        }
        if (firstPlans != null && !firstPlans.isEmpty()) {
            nextPools = TreePMap.fromSortedMap(firstPlans);
        }

        // Names: the changed load balancers' old and new names, and the names of plans using a rebuilt pool.
        final IdMultimap.Edit namesEdit = new IdMultimap.Edit(names);
        final Set<String> affected = new TreeSet<>();
        for (String id : config.loadBalancers()) {
            final String before = servingName(config.previous().loadBalancers().get(id));
            final String after = servingName(cfg.loadBalancers().get(id));
            if (before != null) {
                affected.add(before);
                if (!before.equals(after)) {
                    namesEdit.without(before, id);
                }
            }
            if (after != null) {
                affected.add(after);
                namesEdit.with(after, id);
            }
        }
        final TreePMap<String, TreePSet<String>> nextNames = namesEdit.result();
        for (String poolId : rebuiltPools) {
            for (String lbId : users.getOrDefault(poolId, TreePSet.empty())) {
                affected.add(HostIndex.normalise(lbs.get(lbId).name));
            }
        }

        // Per affected name: the plan that serves it now, reused when its inputs are the same.
        final List<LbPlan> removed = new ArrayList<>();
        final List<LbPlan> added = new ArrayList<>();
        HostIndex nextHosts = hosts;
        int lbsBuilt = 0;
        for (String name : affected) {
            final TreePSet<String> ids = nextNames.get(name);
            final LbPlan current = hosts.find(name);
            LbPlan next = null;
            if (ids != null && !ids.isEmpty()) {
                final LoadBalancer lb = cfg.loadBalancers().get(ids.first());
                if (current != null && current.id.equals(lb.id()) && current.builtFrom(lb, nextPools)) {
                    next = current;
                } else {
                    try {
                        next = new LbPlan(lb, nextPools, b.settings(), b.connections(), b.codec(), b.sessions());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("load balancer " + lb.id() + " (" + lb.name() + "): "
                                + e.getMessage(), e);
                    }
                    lbsBuilt++;
                }
            }
            if (next != current) {
                if (current != null) {
                    removed.add(current);
                }
                if (next != null) {
                    added.add(next);
                }
                nextHosts = nextHosts.with(name, next);
            }
        }
        // Removals first: a load balancer renamed in this change leaves one name and takes another.
        TreePMap<String, LbPlan> nextLbs = lbs;
        final IdMultimap.Edit usersEdit = new IdMultimap.Edit(users);
        for (LbPlan plan : removed) {
            if (nextLbs.get(plan.id) == plan) {
                nextLbs = nextLbs.minus(plan.id);
            }
            for (String poolId : poolIdsOf(plan)) {
                usersEdit.without(poolId, plan.id);
            }
        }
        if (nextLbs.isEmpty() && added.size() > 1) {
            final TreeMap<String, LbPlan> firstLbs = new TreeMap<>();
            added.forEach(plan -> firstLbs.put(plan.id, plan));
            nextLbs = TreePMap.fromSortedMap(firstLbs);
        } else {
            for (LbPlan plan : added) {
                nextLbs = nextLbs.plus(plan.id, plan);
            }
        }
        for (LbPlan plan : added) {
            for (String poolId : poolIdsOf(plan)) {
                usersEdit.with(poolId, plan.id);
            }
        }
        final TreePMap<String, TreePSet<String>> nextUsers = usersEdit.result();

        // Counters are pruned only for pools whose configuration changed: health cannot add or remove origins.
        for (String id : config.pools()) {
            final PoolPlan plan = nextPools.get(id);
            if (plan == null) {
                b.loads().removePool(id);
            } else {
                final Set<String> keys = new HashSet<>();
                for (OriginPlan origin : plan.allOrigins()) {
                    keys.add(origin.key);
                }
                b.loads().retainOrigins(id, keys);
            }
        }
        return new RoutingSnapshot(cfg, hs, nextHosts, nextPools, nextLbs, nextNames, nextUsers,
                new Built(poolsBuilt, lbsBuilt));
    }

    /** The name an enabled load balancer serves (spec §4.1 step 1: a disabled one serves none), or null. */
    private static String servingName(LoadBalancer lb) {
        return lb == null || !lb.enabled() ? null : HostIndex.normalise(lb.name());
    }

    private static Set<String> poolIdsOf(LbPlan plan) {
        final Set<String> ids = new LinkedHashSet<>();
        plan.forEachPoolId(ids::add);
        return ids;
    }

    @Override
    public String toString() {
        return "RoutingSnapshot[revision " + config.revision() + ", " + pools.size() + " pools, " + lbs.size()
                + " load balancers]";
    }

    // For the invariants test: every serving plan's pools list it as a user, and nothing else does.
    boolean usersConsistent() {
        final TreePMap<String, TreePSet<String>> expected = TreePMap.empty();
        TreePMap<String, TreePSet<String>> built = expected;
        for (LbPlan plan : lbs.values()) {
            for (String poolId : poolIdsOf(plan)) {
                built = IdMultimap.with(built, poolId, plan.id);
            }
        }
        return Objects.equals(built, users);
    }
}
