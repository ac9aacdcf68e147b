package dev.fulcrum.routing;

import dev.fulcrum.affinity.AffinityCookieCodec;
import dev.fulcrum.affinity.SessionStore;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.rules.Condition;
import dev.fulcrum.rules.ConditionException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A load balancer's custom rules (spec §6, §4.1 step 3) as the router runs them: conditions compiled, the rules
 * that can change anything ordered by {@code priority} then array index, and for each rule with overrides the
 * load-balancer plan those overrides produce, built with the snapshot.
 *
 * <p>Per request: walk the rules; a matching fixed response answers at once; a matching rule with overrides adds
 * them (a later match wins per field); a matching {@code terminates} rule stops the walk. No match, or only rules
 * without routing overrides, leaves the load balancer's own plan. One matching rule with overrides selects its
 * precomputed plan. Several select the plan of their merged overrides, built on first use and kept (at most
 * {@value #MAX_COMBINATIONS} combinations per snapshot; beyond that each such request builds its plan).
 *
 * <p>Concurrency: immutable but for the combination cache, an atomically replaced immutable map (copy on write):
 * readers never lock, and two requests racing to add the same combination build equivalent plans. The cache
 * belongs to this snapshot's plan and is dropped with it.
 *
 * <p>Failure: a stored condition that no longer compiles is logged and its rule never matches (see
 * {@code ConfigJson.restoreLoadBalancer}). Overrides that fail to build alone make the snapshot build fail like any
 * unusable configuration; a combination that fails (two rules' overrides that validation accepted one at a time but
 * that clash together, e.g. {@code header} affinity from one and attributes without headers from another) is logged
 * and served by the last matching rule's own plan.
 */
final class RulePlan {

    static final int MAX_COMBINATIONS = 64;
    private static final Logger LOG = LoggerFactory.getLogger(RulePlan.class);

    /** What the rules decided for one request: the plan to steer with, or a fixed answer. */
    static final class Result {
        final LbPlan plan;
        final FixedAnswer fixed;

        Result(LbPlan plan, FixedAnswer fixed) {
            this.plan = plan;
            this.fixed = fixed;
        }
    }

    /** One rule that can change something, in evaluation order. */
    private record Step(Condition condition, boolean terminates, int overrideIndex, Result fixed) {
    }

    private final String loadBalancerName;
    private final Step[] steps;
    /** False when every condition is constant ({@code ""}, {@code true}): no request input is made at all. */
    private final boolean readsRequest;
    private final Result none;
    /** Per override index: the rule's overrides and the plan they make on their own. */
    private final RuleOverrides[] overrides;
    private final Result[] alone;
    private final LoadBalancer config;
    /** The pool plans any override combination may use; combinations are built from these only. */
    private final Map<String, PoolPlan> pools;
    private final PlanFactory factory;
    private final AtomicReference<Map<BitSet, Result>> combinations = new AtomicReference<>(Map.of());

    /** Builds the load-balancer plan of a configuration with overrides applied. */
    @FunctionalInterface
    interface PlanFactory {
        LbPlan plan(LoadBalancer effective, Map<String, PoolPlan> pools);
    }

    private RulePlan(LoadBalancer lb, LbPlan base, List<Step> steps, List<RuleOverrides> overrides,
                     List<Integer> overrideRules, Map<String, PoolPlan> pools, PlanFactory factory) {
        this.loadBalancerName = lb.name();
        this.steps = steps.toArray(new Step[0]);
        boolean reads = false;
        for (Step step : steps) {
            reads |= !step.condition.always();
        }
        this.readsRequest = reads;
        this.none = new Result(base, null);
        this.overrides = overrides.toArray(new RuleOverrides[0]);
        this.config = lb;
        this.pools = pools;
        this.factory = factory;
        this.alone = new Result[this.overrides.length];
        for (int i = 0; i < alone.length; i++) {
            try {
                alone[i] = new Result(factory.plan(Overrides.apply(lb, this.overrides[i]), pools), null);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rules[" + overrideRules.get(i) + "].overrides: "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * The rules of {@code lb}, or null when none can change anything (no rules, all disabled, or only DNS-only
     * overrides without {@code terminates}): then routing pays nothing for them.
     *
     * @param base  the load balancer's own plan, used when no rule with overrides matches
     * @param track records every pool id the rules may route to, so the base plan is rebuilt when one changes
     */
    static RulePlan of(LoadBalancer lb, LbPlan base, Map<String, PoolPlan> snapshotPools,
                       java.util.function.Consumer<String> track, PlanFactory factory) {
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < lb.rules().size(); i++) {
            if (!lb.rules().get(i).disabled()) {
                order.add(i);
            }
        }
        // Lower priority first; List.sort is stable, so equal priorities keep their array order.
        order.sort(Comparator.comparingInt(i -> lb.rules().get(i).priority()));
        final List<Step> steps = new ArrayList<>();
        final List<RuleOverrides> overrides = new ArrayList<>();
        final List<Integer> overrideRules = new ArrayList<>();
        for (int index : order) {
            final Rule rule = lb.rules().get(index);
            final boolean routes = Overrides.affectRouting(rule.overrides());
            if (rule.fixedResponse() == null && !routes && !rule.terminates()) {
                continue; // matches or not, it changes nothing for a proxied request
            }
            final Condition condition;
            try {
                condition = Condition.compile(rule.condition());
            } catch (ConditionException e) {
                LOG.warn("load balancer " + lb.name() + ": rules[" + index + "] ("
                        + rule.name() + ") never matches: its condition does not compile: " + e.getMessage());
                continue;
            }
            final Result fixed = rule.fixedResponse() == null ? null
                    : new Result(null, new FixedAnswer(rule.fixedResponse()));
            int overrideIndex = -1;
            if (fixed == null && routes) {
                overrideIndex = overrides.size();
                overrides.add(rule.overrides());
                overrideRules.add(index);
            }
            steps.add(new Step(condition, rule.terminates() || fixed != null, overrideIndex, fixed));
        }
        if (steps.isEmpty()) {
            return null;
        }
        final Map<String, PoolPlan> used = new HashMap<>();
        for (String id : poolIds(lb, overrides)) {
            track.accept(id);
            final PoolPlan plan = snapshotPools.get(id);
            if (plan != null) {
                used.put(id, plan);
            }
        }
        return new RulePlan(lb, base, steps, overrides, overrideRules, Map.copyOf(used), factory);
    }

    /** Every pool id the load balancer or any override names. */
    private static Set<String> poolIds(LoadBalancer lb, List<RuleOverrides> overrides) {
        final Set<String> ids = new LinkedHashSet<>(lb.defaultPools());
        if (lb.fallbackPool() != null) {
            ids.add(lb.fallbackPool());
        }
        addMaps(ids, lb.regionPools(), lb.countryPools(), lb.popPools());
        for (RuleOverrides o : overrides) {
            if (o.defaultPools() != null) {
                ids.addAll(o.defaultPools());
            }
            if (o.pools() != null) {
                ids.addAll(o.pools());
            }
            if (o.fallbackPool() != null) {
                ids.add(o.fallbackPool());
            }
            addMaps(ids, o.regionPools(), o.countryPools(), o.popPools());
        }
        return ids;
    }

    @SafeVarargs
    private static void addMaps(Set<String> ids, Map<String, List<String>>... maps) {
        for (Map<String, List<String>> map : maps) {
            if (map != null) {
                map.values().forEach(ids::addAll);
            }
        }
    }

    /** Runs the rules for one request; allocation-free unless a condition reads the request. */
    Result evaluate(RequestView request, String region, Clock clock) {
        final RuleRequest input = readsRequest ? new RuleRequest(request, loadBalancerName, region, clock) : null;
        int first = -1;
        BitSet several = null;
        for (Step step : steps) {
            if (!step.condition.matches(input)) {
                continue;
            }
            if (step.fixed != null) {
                return step.fixed;
            }
            if (step.overrideIndex >= 0) {
                if (first < 0) {
                    first = step.overrideIndex;
                } else {
                    if (several == null) {
                        several = new BitSet(overrides.length);
                        several.set(first);
                    }
                    several.set(step.overrideIndex);
                }
            }
            if (step.terminates) {
                break;
            }
        }
        if (first < 0) {
            return none;
        }
        return several == null ? alone[first] : combined(several);
    }

    private Result combined(BitSet matched) {
        Map<BitSet, Result> known = combinations.get();
        final Result cached = known.get(matched);
        if (cached != null) {
            return cached;
        }
        final Result built = build(matched);
        while (known.size() < MAX_COMBINATIONS && !known.containsKey(matched)) {
            final Map<BitSet, Result> next = new HashMap<>(known);
            next.put(matched, built);
            if (combinations.compareAndSet(known, Map.copyOf(next))) {
                break;
            }
            known = combinations.get();
        }
        return built;
    }

    /** The plan of several matching rules' merged overrides (set bits in evaluation order). */
    private Result build(BitSet matched) {
        RuleOverrides merged = null;
        int last = -1;
        for (int i = matched.nextSetBit(0); i >= 0; i = matched.nextSetBit(i + 1)) {
            merged = merged == null ? overrides[i] : Overrides.merge(merged, overrides[i]);
            last = i;
        }
        try {
            return new Result(factory.plan(Overrides.apply(config, merged), pools), null);
        } catch (IllegalArgumentException e) {
            LOG.warn("load balancer " + loadBalancerName + ": the overrides of rules "
                    + "matching together cannot combine (" + e.getMessage() + "); the last one applies alone");
            return alone[last];
        }
    }
}
