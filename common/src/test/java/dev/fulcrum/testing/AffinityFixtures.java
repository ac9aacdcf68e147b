package dev.fulcrum.testing;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.LoadShedding;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.SessionAffinityAttributes;

import java.time.Instant;
import java.util.List;

/** Configuration records for session affinity tests (spec §5): affinity settings, disabled objects, shedding. */
public final class AffinityFixtures {

    private AffinityFixtures() {
    }

    /** Affinity attributes; {@code headers} may be empty for cookie types. */
    public static SessionAffinityAttributes attributes(String samesite, String secure, int drainSeconds,
                                                       String zeroDowntimeFailover, List<String> headers,
                                                       boolean requireAllHeaders) {
        return new SessionAffinityAttributes(samesite, secure, drainSeconds, zeroDowntimeFailover, headers,
                requireAllHeaders);
    }

    /** Default attributes (Auto/Auto) with this drain and failover mode. */
    public static SessionAffinityAttributes attributes(int drainSeconds, String zeroDowntimeFailover) {
        return attributes("Auto", "Auto", drainSeconds, zeroDowntimeFailover, List.of(), false);
    }

    /** Header affinity attributes (no drain, {@code none} failover). */
    public static SessionAffinityAttributes headers(boolean requireAll, String... headers) {
        return attributes("Auto", "Auto", 0, "none", List.of(headers), requireAll);
    }

    /** The load balancer with this affinity; {@code ttl} null = the type's default. */
    public static LoadBalancer withAffinity(LoadBalancer lb, String type, Integer ttl,
                                            SessionAffinityAttributes attributes) {
        return new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(), lb.description(),
                lb.enabled(), lb.proxied(), lb.ttl(), lb.fallbackPool(), lb.defaultPools(), lb.regionPools(),
                lb.countryPools(), lb.popPools(), lb.steeringPolicy(), lb.randomSteering(), lb.adaptiveRouting(),
                lb.locationStrategy(), type, ttl, attributes, lb.rules(), lb.networks());
    }

    /** The load balancer as DNS-only ({@code proxied: false}). */
    public static LoadBalancer dnsOnly(LoadBalancer lb) {
        return new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(), lb.description(),
                lb.enabled(), false, lb.ttl(), lb.fallbackPool(), lb.defaultPools(), lb.regionPools(),
                lb.countryPools(), lb.popPools(), lb.steeringPolicy(), lb.randomSteering(), lb.adaptiveRouting(),
                lb.locationStrategy(), lb.sessionAffinity(), lb.sessionAffinityTtl(), lb.sessionAffinityAttributes(),
                lb.rules(), lb.networks());
    }

    /** The origin, disabled at {@code at} (null = unknown time). */
    public static Origin disabled(Origin o, Instant at) {
        return new Origin(o.name(), o.address(), o.port(), false, o.weight(), o.header(), o.virtualNetworkId(), at);
    }

    /** The origin with another weight. */
    public static Origin weighted(Origin o, double weight) {
        return new Origin(o.name(), o.address(), o.port(), o.enabled(), weight, o.header(), o.virtualNetworkId(),
                o.disabledAt());
    }

    /** The pool, disabled at {@code at}. */
    public static Pool disabled(Pool p, Instant at) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), at, p.name(), p.description(), false,
                p.minimumOrigins(), p.monitor(), p.monitorGroup(), p.origins(), p.originSteering(), p.loadShedding(),
                p.latitude(), p.longitude(), p.checkRegions(), p.notificationEmail(), p.notificationFilter(),
                p.networks());
    }

    /** The pool with other origins. */
    public static Pool withOrigins(Pool p, Origin... origins) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), p.disabledAt(), p.name(),
                p.description(), p.enabled(), p.minimumOrigins(), p.monitor(), p.monitorGroup(), List.of(origins),
                p.originSteering(), p.loadShedding(), p.latitude(), p.longitude(), p.checkRegions(),
                p.notificationEmail(), p.notificationFilter(), p.networks());
    }

    /** The pool shedding {@code sessionPercent} of its existing affinity sessions (policy hash). */
    public static Pool sheddingSessions(Pool p, double sessionPercent) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), p.disabledAt(), p.name(),
                p.description(), p.enabled(), p.minimumOrigins(), p.monitor(), p.monitorGroup(), p.origins(),
                p.originSteering(), new LoadShedding(0, "random", sessionPercent, "hash"), p.latitude(),
                p.longitude(), p.checkRegions(), p.notificationEmail(), p.notificationFilter(), p.networks());
    }
}
