package dev.fulcrum.routing;

import dev.fulcrum.affinity.Affinity;
import dev.fulcrum.affinity.AffinityCookieCodec;
import dev.fulcrum.affinity.FailoverMode;
import dev.fulcrum.affinity.SessionStore;
import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.routing.steering.GeoCandidates;
import dev.fulcrum.routing.steering.PoolSteering;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One enabled load balancer as the router uses it in one snapshot: its steering policy resolved, its candidate
 * lists built (the node's geo list precomputed), its fallback pool looked up, its custom rules compiled with a
 * plan like this one for each rule's overrides ({@link RulePlan}), and its pool sets with a plan like this one for
 * each set this node can match ({@link PoolSetPlan}).
 *
 * <p>Geo with a trusted client country header: only {@code country_pools} reads the client's country (valid ISO
 * alpha-2 only; Cloudflare's {@code XX} and {@code T1} mean unknown). {@code pop_pools} and {@code region_pools} stay
 * the node's, as spec §4.2 has it (the region is the data center's) and as pool sets and the rules'
 * {@code cf.load_balancer.region} read it, so one node means one region everywhere.
 */
final class LbPlan {

    final String id;
    final String name;
    final PoolSteering steering;
    /** Candidates for a request that brings no usable client country: the node's own location decides. */
    final CandidateList candidates;
    /** The fallback pool, or null when it is not configured (then only 530/1016 remains). */
    final PoolPlan fallback;
    final boolean failoverAcrossPools;
    /** The session affinity, or null when the load balancer has none (then {@link #pins} is null too). */
    final Affinity affinity;
    final FailoverMode failoverMode;
    /** Every origin a session may be pinned to, with what a pin to it means in this snapshot. */
    final PinTargets pins;
    /**
     * True when the steering policy picks the same pool for the same snapshot (off, geo, dynamic_latency,
     * proximity): {@code ip_cookie} then keeps the policy's choice; the weighted random policies are replaced by a
     * hash of the client address so the placement is stable.
     */
    final boolean deterministicSteering;
    /**
     * The load balancer's custom rules, or null when it has none that can change anything: the rules stage then costs
     * one null check. Plans built for rule overrides have none (their rules already ran).
     */
    final RulePlan rules;
    /**
     * The load balancer's pool sets as this node serves them, or null when none can match here: the stage then
     * costs one null check. Plans built for a pool set or for rule overrides have none.
     */
    final PoolSetPlan poolSets;
    /** {@link RoutingSettings#underscoresInHeaders()}, for the decisions this plan makes. */
    final boolean underscoresInHeaders;
    private final LoadBalancer config;
    /** Every pool id this plan looked up (candidates and fallback) and what it found (null = missing). */
    private final List<String> poolIds = new ArrayList<>();
    private final List<PoolPlan> resolved = new ArrayList<>();
    /** Per geo list instance of {@link #config} (identity), for client-country lookups; null when not needed. */
    private final Map<List<String>, CandidateList> geoLists;

    LbPlan(LoadBalancer lb, Map<String, PoolPlan> pools, RoutingSettings settings, OriginConnections connections,
           AffinityCookieCodec codec, SessionStore sessions) {
        this.id = lb.id();
        this.name = lb.name();
        this.config = lb;
        this.underscoresInHeaders = settings.underscoresInHeaders();
        final boolean hasGeoMaps = !lb.popPools().isEmpty() || !lb.countryPools().isEmpty()
                || !lb.regionPools().isEmpty();
        this.steering = PoolSteering.of(lb.steeringPolicy(), hasGeoMaps);
        final RandomSteering weights = lb.randomSteering() == null ? RandomSteering.DEFAULT : lb.randomSteering();
        final AdaptiveRouting adaptive = lb.adaptiveRouting() == null ? AdaptiveRouting.DEFAULT : lb.adaptiveRouting();
        this.failoverAcrossPools = adaptive.failoverAcrossPools();
        this.fallback = lb.fallbackPool() == null ? null : resolve(lb.fallbackPool(), pools);

        if (steering == PoolSteering.geo()) {
            final Map<List<String>, CandidateList> lists = new IdentityHashMap<>();
            lists.put(lb.defaultPools(), list(lb.defaultPools(), pools, weights, connections));
            for (Map<String, List<String>> map : List.of(lb.popPools(), lb.countryPools(), lb.regionPools())) {
                for (List<String> ids : map.values()) {
                    lists.computeIfAbsent(ids, k -> list(k, pools, weights, connections));
                }
            }
            this.candidates = lists.get(GeoCandidates.select(lb, settings.pop(), settings.country(),
                    settings.region()));
            this.geoLists = settings.clientCountryHeader() == null ? null : lists;
        } else {
            this.candidates = list(lb.defaultPools(), pools, weights, connections);
            this.geoLists = null;
        }
        this.deterministicSteering = steering == PoolSteering.failover() || steering == PoolSteering.geo()
                || steering == PoolSteering.dynamicLatency() || steering == PoolSteering.proximity();

        this.affinity = Affinity.of(lb, codec, sessions);
        if (affinity == null) {
            this.failoverMode = FailoverMode.NONE;
            this.pins = null;
        } else {
            final SessionAffinityAttributes attributes = lb.sessionAffinityAttributes() == null
                    ? SessionAffinityAttributes.DEFAULT : lb.sessionAffinityAttributes();
            this.failoverMode = FailoverMode.of(attributes.zeroDowntimeFailover());
            // In range by construction (SessionAffinityAttributes refuses anything else).
            final int drain = attributes.drainDuration();
            final LinkedHashSet<PoolPlan> used = new LinkedHashSet<>();
            for (PoolPlan plan : resolved) {
                if (plan != null) {
                    used.add(plan);
                }
            }
            this.pins = new PinTargets(new ArrayList<>(used), drain * 1000L);
        }

        this.rules = lb.rules().isEmpty() ? null : RulePlan.of(lb, this, pools, id -> resolve(id, pools),
                (effective, usable) -> new LbPlan(effective, usable, settings, connections, codec, sessions));
        // Each set's plan gets every snapshot pool (its rules may name any) and reports the ids it used.
        this.poolSets = lb.poolSets().isEmpty() ? null : PoolSetPlan.of(lb, this, settings,
                id -> resolve(id, pools), effective -> new LbPlan(effective, pools, settings, connections, codec,
                        sessions));
    }

    /**
     * True when this plan would come out the same: an equal load balancer and the very same pool plans for every
     * pool id it or its rules' overrides use. Pool plans are reused when unchanged, so a health flip rebuilds only the load balancers
     * that use the flipped pool.
     */
    boolean builtFrom(LoadBalancer lb, Map<String, PoolPlan> pools) {
        if (config != lb && !config.equals(lb)) {
            return false;
        }
        for (int i = 0; i < poolIds.size(); i++) {
            if (pools.get(poolIds.get(i)) != resolved.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** Every pool id this plan (its rules included) looked up, for a plan that embeds this one. */
    void forEachPoolId(java.util.function.Consumer<String> action) {
        poolIds.forEach(action);
    }

    /** The candidate list for this request; allocation-free. */
    CandidateList candidatesFor(RequestView request, RoutingSettings settings) {
        if (geoLists == null) {
            return candidates;
        }
        final String country = clientCountry(request.header(settings.clientCountryHeader()));
        if (country == null) {
            return candidates;
        }
        final List<String> ids = GeoCandidates.select(config, settings.pop(), country, settings.region());
        final CandidateList list = geoLists.get(ids);
        return list != null ? list : candidates;
    }

    /** The upper-case country of a header value, or null when absent, malformed, {@code XX} or {@code T1}. */
    static String clientCountry(String value) {
        if (value == null || value.length() != 2) {
            return null;
        }
        final char a = Character.toUpperCase(value.charAt(0));
        final char b = Character.toUpperCase(value.charAt(1));
        if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || (a == 'X' && b == 'X')) {
            return null;
        }
        // Already upper case in practice (CF-IPCountry is), so toUpperCase returns the same instance.
        return value.toUpperCase(Locale.ROOT);
    }

    private PoolPlan resolve(String poolId, Map<String, PoolPlan> pools) {
        final PoolPlan plan = pools.get(poolId);
        poolIds.add(poolId);
        resolved.add(plan);
        return plan;
    }

    private CandidateList list(List<String> ids, Map<String, PoolPlan> pools, RandomSteering weights,
                               OriginConnections connections) {
        final List<PoolPlan> plans = new ArrayList<>(ids.size());
        for (String poolId : ids) {
            final PoolPlan plan = resolve(poolId, pools);
            // A missing id cannot pass validation; skipping keeps one stale reference from blocking every LB.
            if (plan != null && !plans.contains(plan)) {
                plans.add(plan);
            }
        }
        final double[] w = new double[plans.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.weightOf(plans.get(i).id);
        }
        return new CandidateList(plans.toArray(new PoolPlan[0]), w, connections);
    }
}
