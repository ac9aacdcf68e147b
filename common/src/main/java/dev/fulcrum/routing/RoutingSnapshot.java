package dev.fulcrum.routing;

import dev.fulcrum.affinity.AffinityCookieCodec;
import dev.fulcrum.affinity.SessionStore;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthSnapshot;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything one routing decision reads, fixed at build time: configuration and health folded into per-pool and
 * per-load-balancer plans, plus references to the live counters.
 *
 * <p>Concurrency: immutable after construction and published through one volatile field of {@link SnapshotRouter};
 * a request reads that field once and sees one consistent view (STYLE point 4). The only mutable state reachable
 * from here is the counters ({@link LoadRegistry}, {@link OriginConnections}), which are atomics, and the node's
 * header affinity sessions ({@code affinity.SessionStore}, a concurrent map), all kept across rebuilds; plus each
 * {@link RulePlan}'s cache of plans for rules matching together, a copy-on-write map replaced atomically.
 *
 * <p>Failure: a configuration the router cannot use (unknown policy names) makes {@link #build} throw
 * IllegalArgumentException naming the object; the caller keeps the previous snapshot. Health never fails a build:
 * a missing result just makes a monitored origin unusable (spec §2.3).
 */
final class RoutingSnapshot {

    static final RoutingSnapshot EMPTY = new RoutingSnapshot(ConfigSnapshot.EMPTY, HealthSnapshot.EMPTY,
            new HostIndex(Map.of()), Map.of());

    final ConfigSnapshot config;
    final HealthSnapshot health;
    final HostIndex hosts;
    final Map<String, PoolPlan> pools;

    private RoutingSnapshot(ConfigSnapshot config, HealthSnapshot health, HostIndex hosts,
                            Map<String, PoolPlan> pools) {
        this.config = config;
        this.health = health;
        this.hosts = hosts;
        this.pools = pools;
    }

    /**
     * Builds the snapshot for {@code config} and {@code health}, reusing every pool and load-balancer plan of
     * {@code previous} whose inputs did not change (plans are immutable, so sharing them is safe; the counters
     * they reference are the same either way).
     */
    static RoutingSnapshot build(RoutingSnapshot previous, ConfigSnapshot config, HealthSnapshot health,
                                 RoutingSettings settings, LoadRegistry loads, OriginConnections connections,
                                 AffinityCookieCodec codec, SessionStore sessions) {
        final Map<String, PoolPlan> pools = new HashMap<>();
        // Counters are pruned only when the configuration changed: a health update cannot add or remove origins,
        // and collecting 30,000 keys on every probe result would dominate the rebuild.
        final boolean prune = config != previous.config;
        final Set<String> originIds = prune ? new HashSet<>() : null;
        for (Pool pool : config.pools().values()) {
            final PoolPlan old = previous.pools.get(pool.id());
            final PoolPlan plan;
            try {
                plan = old != null && old.builtFrom(pool, health) ? old
                        : new PoolPlan(pool, health, settings, loads, connections);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pool " + pool.id() + " (" + pool.name() + "): "
                        + e.getMessage(), e);
            }
            pools.put(pool.id(), plan);
            if (prune) {
                for (OriginPlan origin : plan.allOrigins()) {
                    originIds.add(LoadRegistry.originId(pool.id(), origin.key));
                }
            }
        }
        final Map<String, LbPlan> byName = new HashMap<>();
        final Map<String, String> idByName = new HashMap<>();
        for (LoadBalancer lb : config.loadBalancers().values()) {
            if (!lb.enabled()) {
                continue; // spec §4.1 step 1: a disabled load balancer does not serve
            }
            final String name = HostIndex.normalise(lb.name());
            if (name == null) {
                continue;
            }
            // Names are unique per zone; should two zones overlap, the smaller id wins so the choice is stable.
            final String other = idByName.get(name);
            if (other != null && other.compareTo(lb.id()) < 0) {
                continue;
            }
            idByName.put(name, lb.id());
            final LbPlan old = previous.hosts.find(name);
            try {
                byName.put(name, old != null && old.id.equals(lb.id()) && old.builtFrom(lb, pools) ? old
                        : new LbPlan(lb, pools, settings, connections, codec, sessions));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("load balancer " + lb.id() + " (" + lb.name() + "): "
                        + e.getMessage(), e);
            }
        }
        if (prune) {
            loads.retain(pools.keySet(), originIds);
        }
        return new RoutingSnapshot(config, health, new HostIndex(byName), Map.copyOf(pools));
    }
}
