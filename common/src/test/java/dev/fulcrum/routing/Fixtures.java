package dev.fulcrum.routing;

import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.LoadShedding;
import dev.fulcrum.config.LocationStrategy;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.OriginHealth;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Small builders for the configuration records the routing tests need, beside the shared ones of
 * {@link dev.fulcrum.testing.Fixtures} (load balancers, rules, snapshots): origins at private addresses, and pool
 * and load balancer variants only routing tests use.
 */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    /** A 32-hex id derived from a readable name, so tests can refer to "pool-a" and the router sees a real id. */
    static String id(String name) {
        final StringBuilder hex = new StringBuilder();
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hex.append(String.format(Locale.ROOT, "%02x", b));
        }
        while (hex.length() < 32) {
            hex.append('0');
        }
        return hex.substring(0, 32);
    }

    static Origin origin(String name, String address, int port, double weight) {
        return new Origin(name, address, port, true, weight, Map.of(), null, null);
    }

    static Origin origin(String name, double weight) {
        return origin(name, "10.0.0." + (Math.abs(name.hashCode()) % 250 + 1), 8080, weight);
    }

    static Origin disabled(Origin o) {
        return new Origin(o.name(), o.address(), o.port(), false, o.weight(), o.header(), null, T0);
    }

    static Origin withHost(Origin o, String host) {
        return new Origin(o.name(), o.address(), o.port(), o.enabled(), o.weight(), Map.of("Host", List.of(host)),
                null, null);
    }

    static Pool pool(String name, Origin... origins) {
        return new Pool(id(name), id("account"), T0, T0, null, name, "", true, 1, null, null, List.of(origins),
                "random", null, null, null, null, "", null, null);
    }

    static Pool steering(Pool p, String originSteering) {
        return new Pool(p.id(), p.accountId(), T0, T0, p.disabledAt(), p.name(), "", p.enabled(), p.minimumOrigins(),
                p.monitor(), null, p.origins(), originSteering, p.loadShedding(), p.latitude(), p.longitude(), null,
                "", null, null);
    }

    static Pool monitored(Pool p, int minimumOrigins) {
        return new Pool(p.id(), p.accountId(), T0, T0, p.disabledAt(), p.name(), "", p.enabled(), minimumOrigins,
                id("monitor"), null, p.origins(), p.originSteering(), p.loadShedding(), p.latitude(), p.longitude(),
                null, "", null, null);
    }

    static Pool disabled(Pool p) {
        return new Pool(p.id(), p.accountId(), T0, T0, T0, p.name(), "", false, p.minimumOrigins(), p.monitor(),
                null, p.origins(), p.originSteering(), p.loadShedding(), p.latitude(), p.longitude(), null, "",
                null, null);
    }

    static Pool at(Pool p, double latitude, double longitude) {
        return new Pool(p.id(), p.accountId(), T0, T0, p.disabledAt(), p.name(), "", p.enabled(), p.minimumOrigins(),
                p.monitor(), null, p.origins(), p.originSteering(), p.loadShedding(), latitude, longitude, null, "",
                null, null);
    }

    static Pool shedding(Pool p, double percent, String policy) {
        return new Pool(p.id(), p.accountId(), T0, T0, p.disabledAt(), p.name(), "", p.enabled(), p.minimumOrigins(),
                p.monitor(), null, p.origins(), p.originSteering(), new LoadShedding(percent, policy, 0, "hash"),
                p.latitude(), p.longitude(), null, "", null, null);
    }

    /** Copies a load balancer with changes applied through a record-rebuilding function. */
    static LoadBalancer with(LoadBalancer lb, UnaryOperator<LbParts> change) {
        final LbParts p = change.apply(new LbParts(lb.enabled(), lb.regionPools(), lb.countryPools(), lb.popPools(),
                lb.randomSteering(), lb.adaptiveRouting()));
        return new LoadBalancer(lb.id(), lb.zoneId(), T0, T0, lb.name(), "", p.enabled, lb.proxied(), 30,
                lb.fallbackPool(), lb.defaultPools(), p.regionPools, p.countryPools, p.popPools, lb.steeringPolicy(),
                p.randomSteering, p.adaptiveRouting, LocationStrategy.DEFAULT, "none", null,
                SessionAffinityAttributes.DEFAULT, List.of(), null);
    }

    /** The mutable parts of a load balancer the tests vary. */
    record LbParts(boolean enabled, Map<String, List<String>> regionPools, Map<String, List<String>> countryPools,
                   Map<String, List<String>> popPools, RandomSteering randomSteering,
                   AdaptiveRouting adaptiveRouting) {

        LbParts disabled() {
            return new LbParts(false, regionPools, countryPools, popPools, randomSteering, adaptiveRouting);
        }

        LbParts regions(Map<String, List<String>> m) {
            return new LbParts(enabled, m, countryPools, popPools, randomSteering, adaptiveRouting);
        }

        LbParts countries(Map<String, List<String>> m) {
            return new LbParts(enabled, regionPools, m, popPools, randomSteering, adaptiveRouting);
        }

        LbParts pops(Map<String, List<String>> m) {
            return new LbParts(enabled, regionPools, countryPools, m, randomSteering, adaptiveRouting);
        }

        LbParts weights(double defaultWeight, Map<String, Double> poolWeights) {
            return new LbParts(enabled, regionPools, countryPools, popPools,
                    new RandomSteering(defaultWeight, poolWeights), adaptiveRouting);
        }

        LbParts acrossPools() {
            return new LbParts(enabled, regionPools, countryPools, popPools, randomSteering,
                    new AdaptiveRouting(true));
        }
    }

    /** Builds health results: {@code health().up(pool, origin, rtt).down(pool, origin).build()}. */
    static HealthBuilder health() {
        return new HealthBuilder();
    }

    static final class HealthBuilder {
        private final Map<String, Map<String, OriginHealth>> pools = new HashMap<>();

        HealthBuilder up(Pool pool, Origin origin, double rttMillis) {
            return put(pool, origin, new OriginHealth(true, rttMillis, "No failures", 200));
        }

        HealthBuilder up(Pool pool, Origin origin) {
            return up(pool, origin, Double.NaN);
        }

        HealthBuilder down(Pool pool, Origin origin) {
            return put(pool, origin, new OriginHealth(false, Double.NaN, "TCP connection failed", 0));
        }

        /** Every origin of the pool up with the same RTT. */
        HealthBuilder allUp(Pool pool, double rttMillis) {
            for (Origin o : pool.origins()) {
                up(pool, o, rttMillis);
            }
            return this;
        }

        private HealthBuilder put(Pool pool, Origin origin, OriginHealth result) {
            pools.computeIfAbsent(pool.id(), k -> new HashMap<>())
                    .put(HealthSnapshot.originKey(origin.address(), origin.port()), result);
            return this;
        }

        HealthSnapshot build() {
            final Map<String, Map<String, OriginHealth>> copy = new HashMap<>();
            pools.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
            return new HealthSnapshot(copy);
        }
    }
}
