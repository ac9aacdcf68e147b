package dev.fulcrum.routing;

import dev.fulcrum.affinity.Affinity;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.config.SessionAffinityAttributes;

import java.util.List;

/**
 * Rule overrides (spec §6) as configuration: merging the overrides of several matching rules, and the load balancer
 * a request sees once they apply. Each override replaces the whole top-level field it names (an overridden
 * {@code random_steering} replaces both weights, an overridden {@code session_affinity_attributes} all attributes).
 *
 * <p>[G] Choices where the spec is silent:
 * <ul>
 *   <li>{@code drain_duration} cannot be overridden (spec §6), so overridden attributes keep the load balancer's;</li>
 *   <li>a rule that changes the affinity type without a TTL keeps the load balancer's TTL when it fits the new type's
 *       range, and otherwise takes the new type's default;</li>
 *   <li>{@code ttl} and {@code location_strategy} only concern DNS answers and change nothing for proxied traffic.</li>
 * </ul>
 */
final class Overrides {

    private Overrides() {
    }

    /** True when {@code o} changes how a proxied request is routed (anything but {@code ttl}, location strategy). */
    static boolean affectRouting(RuleOverrides o) {
        return o != null && (o.adaptiveRouting() != null || o.countryPools() != null || o.defaultPools() != null
                || o.fallbackPool() != null || o.popPools() != null || o.randomSteering() != null
                || o.regionPools() != null || o.sessionAffinity() != null || o.sessionAffinityAttributes() != null
                || o.sessionAffinityTtl() != null || o.steeringPolicy() != null);
    }

    /** The overrides of two matching rules in evaluation order: per field, the later one wins. */
    static RuleOverrides merge(RuleOverrides earlier, RuleOverrides later) {
        return new RuleOverrides(
                or(later.adaptiveRouting(), earlier.adaptiveRouting()),
                or(later.countryPools(), earlier.countryPools()),
                or(later.defaultPools(), earlier.defaultPools()),
                or(later.fallbackPool(), earlier.fallbackPool()),
                or(later.locationStrategy(), earlier.locationStrategy()),
                or(later.popPools(), earlier.popPools()),
                or(later.randomSteering(), earlier.randomSteering()),
                or(later.regionPools(), earlier.regionPools()),
                or(later.sessionAffinity(), earlier.sessionAffinity()),
                or(later.sessionAffinityAttributes(), earlier.sessionAffinityAttributes()),
                or(later.sessionAffinityTtl(), earlier.sessionAffinityTtl()),
                or(later.steeringPolicy(), earlier.steeringPolicy()),
                or(later.ttl(), earlier.ttl()));
    }

    /** {@code lb} with the overrides applied and no rules of its own (the rules have already run). */
    static LoadBalancer apply(LoadBalancer lb, RuleOverrides o) {
        final String affinity = or(o.sessionAffinity(), lb.sessionAffinity());
        final SessionAffinityAttributes lbAttributes = lb.sessionAffinityAttributes() == null
                ? SessionAffinityAttributes.DEFAULT : lb.sessionAffinityAttributes();
        final SessionAffinityAttributes given = o.sessionAffinityAttributes();
        final SessionAffinityAttributes attributes = given == null ? lbAttributes
                : new SessionAffinityAttributes(given.samesite(), given.secure(), lbAttributes.drainDuration(),
                        given.zeroDowntimeFailover(), given.headers(), given.requireAllHeaders());
        final Integer ttl = o.sessionAffinityTtl() != null ? o.sessionAffinityTtl()
                : fits(lb.sessionAffinityTtl(), affinity) ? lb.sessionAffinityTtl() : null;
        return new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(), lb.description(),
                lb.enabled(), lb.proxied(), or(o.ttl(), lb.ttl()), or(o.fallbackPool(), lb.fallbackPool()),
                or(o.defaultPools(), lb.defaultPools()), or(o.regionPools(), lb.regionPools()),
                or(o.countryPools(), lb.countryPools()), or(o.popPools(), lb.popPools()),
                or(o.steeringPolicy(), lb.steeringPolicy()), or(o.randomSteering(), lb.randomSteering()),
                or(o.adaptiveRouting(), lb.adaptiveRouting()), or(o.locationStrategy(), lb.locationStrategy()),
                affinity, ttl, attributes, List.of(), lb.networks());
    }

    private static boolean fits(Integer ttl, String affinity) {
        if (ttl == null || affinity == null) {
            return false;
        }
        return switch (affinity) {
            case "cookie", "ip_cookie" -> ttl >= Affinity.COOKIE_TTL_MIN && ttl <= Affinity.COOKIE_TTL_MAX;
            case "header" -> ttl >= Affinity.HEADER_TTL_MIN && ttl <= Affinity.HEADER_TTL_MAX;
            default -> true;
        };
    }

    private static <T> T or(T preferred, T otherwise) {
        return preferred != null ? preferred : otherwise;
    }
}
