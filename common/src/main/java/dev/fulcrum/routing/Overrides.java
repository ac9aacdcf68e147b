package dev.fulcrum.routing;

import dev.fulcrum.affinity.Affinity;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.config.SessionAffinityAttributes;

import java.util.List;
import java.util.Map;

/**
 * Rule overrides (spec §6) as configuration: merging the overrides of several matching rules, and the load balancer
 * a request sees once they apply. Each override replaces the whole top-level field it names (an overridden
 * {@code random_steering} replaces both weights, an overridden {@code session_affinity_attributes} all attributes).
 *
 * <p>The newer fields (spec §6) [G]:
 * <ul>
 *   <li>{@code pools} is the request's candidate list in failover order: it replaces {@code default_pools} and the
 *       geo maps (a flat list replaces pool selection, as in pool sets, spec §4.6), so the steering policy in force
 *       chooses among exactly these pools, {@code ""} and {@code geo} mean failover order, and the fallback pool is
 *       still the load balancer's (or {@code fallback_pool}'s override). Given with {@code default_pools} or a geo
 *       map, in one rule or across matching rules, {@code pools} wins;</li>
 *   <li>{@code pool_weights} and {@code pool_default_weight} replace, each on its own, the two halves of
 *       {@code random_steering} for the request, so they weigh {@code random} and scale the counters of
 *       {@code least_outstanding_requests} and {@code least_connections} exactly as the load balancer's weights do;
 *       the half not given keeps the load balancer's value;</li>
 *   <li>validation refuses {@code random_steering} beside either of them in one rule; across matching rules the
 *       weights merge per half, the later rule winning: a later {@code random_steering} replaces both halves, a
 *       later {@code pool_weights} or {@code pool_default_weight} only its own half of an earlier
 *       {@code random_steering}.</li>
 * </ul>
 *
 * <p>[G] Other choices where the spec is silent:
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
                || o.sessionAffinityTtl() != null || o.steeringPolicy() != null || o.pools() != null
                || o.poolWeights() != null || o.poolDefaultWeight() != null);
    }

    /** The overrides of two matching rules in evaluation order: per field, the later one wins. */
    static RuleOverrides merge(RuleOverrides earlier, RuleOverrides later) {
        // The weights merge per half (see the class comment), and the result keeps random_steering apart from the
        // newer weight fields like a validated rule does: a later half folds into an earlier random_steering.
        RandomSteering random = or(later.randomSteering(), earlier.randomSteering());
        Map<String, Double> poolWeights = null;
        Double poolDefaultWeight = null;
        if (later.randomSteering() == null) {
            poolWeights = or(later.poolWeights(), earlier.poolWeights());
            poolDefaultWeight = or(later.poolDefaultWeight(), earlier.poolDefaultWeight());
            if (random != null && (poolWeights != null || poolDefaultWeight != null)) {
                random = weights(random, poolWeights, poolDefaultWeight);
                poolWeights = null;
                poolDefaultWeight = null;
            }
        }
        return new RuleOverrides(
                or(later.adaptiveRouting(), earlier.adaptiveRouting()),
                or(later.countryPools(), earlier.countryPools()),
                or(later.defaultPools(), earlier.defaultPools()),
                or(later.fallbackPool(), earlier.fallbackPool()),
                or(later.locationStrategy(), earlier.locationStrategy()),
                or(later.popPools(), earlier.popPools()),
                random,
                or(later.regionPools(), earlier.regionPools()),
                or(later.sessionAffinity(), earlier.sessionAffinity()),
                or(later.sessionAffinityAttributes(), earlier.sessionAffinityAttributes()),
                or(later.sessionAffinityTtl(), earlier.sessionAffinityTtl()),
                or(later.steeringPolicy(), earlier.steeringPolicy()),
                or(later.ttl(), earlier.ttl()),
                or(later.pools(), earlier.pools()),
                poolWeights,
                poolDefaultWeight);
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
        // A flat pool list replaces the whole selection: with no geo map left, "" resolves to failover order.
        final boolean flat = o.pools() != null;
        final RandomSteering lbWeights = lb.randomSteering() == null ? RandomSteering.DEFAULT : lb.randomSteering();
        final RandomSteering random = o.randomSteering() != null ? o.randomSteering()
                : o.poolWeights() != null || o.poolDefaultWeight() != null
                ? weights(lbWeights, o.poolWeights(), o.poolDefaultWeight()) : lb.randomSteering();
        return new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(), lb.description(),
                lb.enabled(), lb.proxied(), or(o.ttl(), lb.ttl()), or(o.fallbackPool(), lb.fallbackPool()),
                flat ? o.pools() : or(o.defaultPools(), lb.defaultPools()),
                flat ? Map.of() : or(o.regionPools(), lb.regionPools()),
                flat ? Map.of() : or(o.countryPools(), lb.countryPools()),
                flat ? Map.of() : or(o.popPools(), lb.popPools()),
                or(o.steeringPolicy(), lb.steeringPolicy()), random,
                or(o.adaptiveRouting(), lb.adaptiveRouting()), or(o.locationStrategy(), lb.locationStrategy()),
                affinity, ttl, attributes, List.of(), lb.networks());
    }

    /**
     * {@code lb} as a request matched by a pool set with overrides {@code o} sees it (spec §4.6): the set's
     * {@code pools} are the whole candidate list (no geo map), its steering policy applies (failover order when it
     * names none, whatever the load balancer's), its weights are its own ({@code pool_default_weight}, 1 when
     * absent; {@code pool_weights}), not the load balancer's {@code random_steering}, and its {@code fallback_pool}
     * replaces the load balancer's when given. Everything else, the rules included, stays the load balancer's, so
     * the rules then override this base as they would the load balancer.
     */
    static LoadBalancer applyPoolSet(LoadBalancer lb, RuleOverrides o) {
        final RandomSteering weights = new RandomSteering(
                o.poolDefaultWeight() != null ? o.poolDefaultWeight() : RandomSteering.DEFAULT.defaultWeight(),
                o.poolWeights());
        return new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(), lb.description(),
                lb.enabled(), lb.proxied(), lb.ttl(), or(o.fallbackPool(), lb.fallbackPool()), o.pools(), Map.of(),
                Map.of(), Map.of(), or(o.steeringPolicy(), "off"), weights, lb.adaptiveRouting(),
                lb.locationStrategy(), lb.sessionAffinity(), lb.sessionAffinityTtl(), lb.sessionAffinityAttributes(),
                lb.rules(), lb.networks());
    }

    /** {@code base} with either half replaced where given: the newer fields over random_steering's halves. */
    private static RandomSteering weights(RandomSteering base, Map<String, Double> poolWeights,
                                          Double defaultWeight) {
        return new RandomSteering(defaultWeight != null ? defaultWeight : base.defaultWeight(),
                poolWeights != null ? poolWeights : base.poolWeights());
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
