package dev.fulcrum.routing;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.PoolSetMatch;
import dev.fulcrum.request.RequestView;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A load balancer's pool sets (spec §4.6, §4.1 step 2) as the router runs them: the first enabled set whose
 * {@code match} fits the request's location supplies the plan to steer with (its rules still run on top of it), or
 * its fixed response answers.
 *
 * <p>Location [G, after Cloudflare's docs]: {@code pops} match the serving node's PoP and {@code regions} the
 * node's region (Cloudflare: the data centre handling the request, and its region); {@code countries} match the
 * client's country when a trusted client country header is configured and carries a valid code, else the node's
 * (Cloudflare: the resolved client location, falling back to the data centre's country). The 13 region codes are
 * flat in our table, so a region entry matches exactly the node's region, the narrowest region Fulcrum knows. Across
 * lists the conditions are ANDed, as Cloudflare's docs say (its SDK's comment says ORed: a known conflict).
 *
 * <p>Cost: the node's PoP and region are fixed for a snapshot, so every set whose pop or region list misses the node
 * is dropped when the snapshot is built, and the walk stops at the first set that matches whatever the request.
 * Without a client country header the country is fixed too and the outcome is computed once: a request then pays
 * one field read. Only sets a request can reach get a plan, built with the snapshot like a rule's.
 *
 * <p>Concurrency: immutable.
 */
final class PoolSetPlan {

    /** Per reachable set, in order: the countries a request must come from (null: any), and what the set does. */
    private final String[][] countries;
    private final RulePlan.Result[] results;
    /** What a request that matches no set gets: the load balancer's own plan. */
    private final RulePlan.Result none;
    /** The outcome for every request when it cannot depend on the request, else null. */
    private final RulePlan.Result constant;

    private PoolSetPlan(List<String[]> countries, List<RulePlan.Result> results, RulePlan.Result none) {
        this.countries = countries.toArray(new String[0][]);
        this.results = results.toArray(new RulePlan.Result[0]);
        this.none = none;
        this.constant = this.countries[0] == null ? this.results[0] : null;
    }

    /**
     * The pool sets of {@code lb} as this node serves them, or null when no set can ever match here (no sets, all
     * disabled, or none for this location): then routing pays one null check.
     *
     * @param base  the load balancer's own plan, for requests no set matches
     * @param track records every pool id a set's plan uses, so the base plan is rebuilt when one changes
     */
    static PoolSetPlan of(LoadBalancer lb, LbPlan base, RoutingSettings settings, Consumer<String> track,
                          Function<LoadBalancer, LbPlan> factory) {
        final boolean requestCountry = settings.clientCountryHeader() != null;
        final List<String[]> countries = new ArrayList<>();
        final List<RulePlan.Result> results = new ArrayList<>();
        for (int i = 0; i < lb.poolSets().size(); i++) {
            final PoolSet set = lb.poolSets().get(i);
            final PoolSetMatch match = set.match() == null ? PoolSetMatch.DEFAULT : set.match();
            if (set.disabled() || !nodeMatches(match, settings, requestCountry)) {
                continue;
            }
            final List<String> byCountry = requestCountry && !match.all() ? match.countries() : null;
            countries.add(byCountry == null ? null : byCountry.toArray(new String[0]));
            results.add(result(lb, set, i, track, factory));
            if (byCountry == null) {
                break; // every request reaching this set matches it: the sets after it are unreachable here
            }
        }
        if (results.isEmpty()) {
            return null;
        }
        return new PoolSetPlan(countries, results, new RulePlan.Result(base, null));
    }

    /** True when the node's PoP and region (and its country, when no request country is read) fit the match. */
    private static boolean nodeMatches(PoolSetMatch match, RoutingSettings settings, boolean requestCountry) {
        if (match.all()) {
            return true;
        }
        final PoolSetMatch nodeOnly = requestCountry
                ? new PoolSetMatch(false, match.pops(), null, match.regions()) : match;
        return nodeOnly.matches(settings.pop(), settings.country(), settings.region());
    }

    private static RulePlan.Result result(LoadBalancer lb, PoolSet set, int index, Consumer<String> track,
                                          Function<LoadBalancer, LbPlan> factory) {
        if (set.fixedResponse() != null) {
            return new RulePlan.Result(null, new FixedAnswer(set.fixedResponse()));
        }
        final LbPlan plan;
        try {
            plan = factory.apply(Overrides.applyPoolSet(lb, set.overrides()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pool_sets[" + index + "].overrides: " + e.getMessage(), e);
        }
        plan.forEachPoolId(track);
        return new RulePlan.Result(plan, null);
    }

    /** The outcome for one request; allocation-free. */
    RulePlan.Result select(RequestView request, RoutingSettings settings) {
        if (constant != null) {
            return constant;
        }
        String country = LbPlan.clientCountry(request.header(settings.clientCountryHeader()));
        if (country == null) {
            country = settings.country();
        }
        for (int i = 0; i < results.length; i++) {
            if (countries[i] == null || contains(countries[i], country)) {
                return results[i];
            }
        }
        return none;
    }

    private static boolean contains(String[] codes, String code) {
        if (code == null) {
            return false;
        }
        for (String c : codes) {
            if (c.equals(code)) {
                return true;
            }
        }
        return false;
    }
}
