package dev.fulcrum.testing;

import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.LocationStrategy;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.OriginHealth;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration records for data-plane tests, pointing at {@link LoopbackOrigin}s, and the real router built from
 * them. Every builder returns a plain record; nothing here decides a route.
 */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String MONITOR = id("monitor");

    private Fixtures() {
    }

    /** A 32-hex id derived from a readable name. */
    public static String id(String name) {
        final StringBuilder hex = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hex.append(String.format(Locale.ROOT, "%02x", b));
        }
        while (hex.length() < 32) {
            hex.append('0');
        }
        return hex.substring(0, 32);
    }

    /** An origin named after the loopback origin, at 127.0.0.1 and its port. */
    public static Origin origin(LoopbackOrigin origin, double weight) {
        return origin(origin.name(), origin.port(), weight);
    }

    public static Origin origin(String name, int port, double weight) {
        return origin(name, "127.0.0.1", port, weight);
    }

    /** An origin at {@code address}: an IP literal or a host name. */
    public static Origin origin(String name, String address, int port, double weight) {
        return new Origin(name, address, port, true, weight, Map.of(), null, null);
    }

    /** The origin with a {@code header.Host} override. */
    public static Origin withHost(Origin o, String host) {
        return new Origin(o.name(), o.address(), o.port(), o.enabled(), o.weight(), Map.of("Host", List.of(host)),
                o.virtualNetworkId(), o.disabledAt());
    }

    /** An enabled, unmonitored pool. */
    public static Pool pool(String name, String originSteering, Origin... origins) {
        return new Pool(id(name), id("account"), T0, T0, null, name, "", true, 1, null, null, List.of(origins),
                originSteering, null, null, null, null, "", null, null);
    }

    /** The pool with a monitor attached: its origins are usable only as far as {@link Health} says. */
    public static Pool monitored(Pool p) {
        return new Pool(p.id(), p.accountId(), T0, T0, p.disabledAt(), p.name(), "", p.enabled(), p.minimumOrigins(),
                MONITOR, null, p.origins(), p.originSteering(), p.loadShedding(), p.latitude(), p.longitude(), null,
                "", null, null);
    }

    /** The pool with coordinates (for {@code proximity}). */
    public static Pool at(Pool p, double latitude, double longitude) {
        return new Pool(p.id(), p.accountId(), T0, T0, p.disabledAt(), p.name(), "", p.enabled(), p.minimumOrigins(),
                p.monitor(), null, p.origins(), p.originSteering(), p.loadShedding(), latitude, longitude, null, "",
                null, null);
    }

    public static Pool disabled(Pool p) {
        return new Pool(p.id(), p.accountId(), T0, T0, T0, p.name(), "", false, p.minimumOrigins(), p.monitor(),
                null, p.origins(), p.originSteering(), p.loadShedding(), p.latitude(), p.longitude(), null, "",
                null, null);
    }

    /** An enabled, proxied load balancer; {@code fallback} may be null. */
    public static LoadBalancer lb(String host, String policy, Pool fallback, Pool... defaults) {
        return lb(host, policy, RandomSteering.DEFAULT, AdaptiveRouting.DEFAULT, fallback, defaults);
    }

    public static LoadBalancer lb(String host, String policy, RandomSteering weights, AdaptiveRouting adaptive,
                                  Pool fallback, Pool... defaults) {
        final List<String> ids = new ArrayList<>();
        for (Pool p : defaults) {
            ids.add(p.id());
        }
        return new LoadBalancer(id("lb-" + host), id("zone"), T0, T0, host, "", true, true, 30,
                fallback == null ? null : fallback.id(), ids, Map.of(), Map.of(), Map.of(), policy, weights,
                adaptive, LocationStrategy.DEFAULT, "none", null, SessionAffinityAttributes.DEFAULT, List.of(), null);
    }

    /** The load balancer with {@code region_pools} set (for {@code geo}). */
    public static LoadBalancer withRegionPools(LoadBalancer lb, Map<String, List<String>> regionPools) {
        return new LoadBalancer(lb.id(), lb.zoneId(), T0, T0, lb.name(), "", lb.enabled(), lb.proxied(), lb.ttl(),
                lb.fallbackPool(), lb.defaultPools(), regionPools, lb.countryPools(), lb.popPools(),
                lb.steeringPolicy(), lb.randomSteering(), lb.adaptiveRouting(), lb.locationStrategy(),
                lb.sessionAffinity(), lb.sessionAffinityTtl(), lb.sessionAffinityAttributes(), lb.rules(),
                lb.networks());
    }

    /** The load balancer with custom {@code rules} (spec §6). */
    public static LoadBalancer withRules(LoadBalancer lb, List<Rule> rules) {
        return new LoadBalancer(lb.id(), lb.zoneId(), T0, T0, lb.name(), "", lb.enabled(), lb.proxied(), lb.ttl(),
                lb.fallbackPool(), lb.defaultPools(), lb.regionPools(), lb.countryPools(), lb.popPools(),
                lb.steeringPolicy(), lb.randomSteering(), lb.adaptiveRouting(), lb.locationStrategy(),
                lb.sessionAffinity(), lb.sessionAffinityTtl(), lb.sessionAffinityAttributes(), rules, lb.networks());
    }

    /** {@code lb} with these pool sets (spec §4.6), its rules kept. */
    public static LoadBalancer withPoolSets(LoadBalancer lb, List<PoolSet> poolSets) {
        return new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(), lb.description(),
                lb.enabled(), lb.proxied(), lb.ttl(), lb.fallbackPool(), lb.defaultPools(), lb.regionPools(),
                lb.countryPools(), lb.popPools(), lb.steeringPolicy(), lb.randomSteering(), lb.adaptiveRouting(),
                lb.locationStrategy(), lb.sessionAffinity(), lb.sessionAffinityTtl(), lb.sessionAffinityAttributes(),
                lb.rules(), lb.networks(), poolSets);
    }

    public static ConfigSnapshot config(List<LoadBalancer> lbs, Pool... pools) {
        final Map<String, Pool> byId = new LinkedHashMap<>();
        for (Pool p : pools) {
            byId.put(p.id(), p);
        }
        final Map<String, LoadBalancer> lbById = new LinkedHashMap<>();
        for (LoadBalancer lb : lbs) {
            lbById.put(lb.id(), lb);
        }
        return new ConfigSnapshot(1, Map.of(), Map.of(), Map.of(), byId, lbById);
    }

    public static ConfigSnapshot config(LoadBalancer lb, Pool... pools) {
        return config(List.of(lb), pools);
    }

    /** The real router serving this configuration, with no health results. */
    public static SnapshotRouter router(ConfigSnapshot config) {
        return router(config, HealthSnapshot.EMPTY);
    }

    public static SnapshotRouter router(ConfigSnapshot config, HealthSnapshot health) {
        return router(config, health, RoutingSettings.DEFAULT);
    }

    /** The real router for a node described by {@code settings} (location for geo/proximity). */
    public static SnapshotRouter router(ConfigSnapshot config, HealthSnapshot health, RoutingSettings settings) {
        final SnapshotRouter router = new SnapshotRouter(settings);
        router.update(config);
        router.update(health);
        return router;
    }

    public static Health health() {
        return new Health();
    }

    /** Builds probe results: {@code health().up(pool, origin).down(pool, origin).build()}. */
    public static final class Health {
        private final Map<String, Map<String, OriginHealth>> pools = new HashMap<>();

        public Health up(Pool pool, Origin origin) {
            return up(pool, origin, 1.0);
        }

        public Health up(Pool pool, Origin origin, double rttMillis) {
            return put(pool, origin, new OriginHealth(true, rttMillis, "No failures", 200));
        }

        public Health down(Pool pool, Origin origin) {
            return put(pool, origin, new OriginHealth(false, Double.NaN, "TCP connection failed", 0));
        }

        private Health put(Pool pool, Origin origin, OriginHealth result) {
            pools.computeIfAbsent(pool.id(), k -> new HashMap<>())
                    .put(HealthSnapshot.originKey(origin.address(), origin.port()), result);
            return this;
        }

        public HealthSnapshot build() {
            final Map<String, Map<String, OriginHealth>> copy = new HashMap<>();
            pools.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
            return new HealthSnapshot(copy);
        }
    }
}
