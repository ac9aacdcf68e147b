package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.FixedResponse;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.PoolSetMatch;
import dev.fulcrum.config.Regions;
import dev.fulcrum.config.RuleOverrides;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads a load balancer's {@code pool_sets} (spec §4.6). A pool set's overrides are the pool-set subset of a rule's
 * and are read by the same methods, so {@code pools} or {@code pool_weights} are validated alike in both places.
 *
 * <p>Cloudflare refuses a bad pool set with HTTP 400 and code 1002, naming the problem by an identifier inside the
 * message ({@code POOL_SET_NO_INTENT}, …). The identifiers follow the field path here, e.g. {@code pool_sets[2]:
 * POOL_SET_NO_INTENT: neither overrides.pools nor fixed_response (expected: one of them): validation failed}, so the
 * error's {@code code} stays the integer every Cloudflare client parses. Cloudflare documents {@code
 * POOL_SETS_TOO_LARGE}, {@code POOL_SET_NO_INTENT}, {@code POOL_SET_DEFAULT_WITH_MATCH}, {@code
 * POOL_SET_EMPTY_TOPOLOGY} and {@code POOL_SET_TOPOLOGY_TOO_LARGE}; the others are ours, named alike [G].
 */
final class PoolSetReader {

    static final int MAX_POOL_SETS = 1000;
    static final int NAME_MAX = 200;
    static final int MAX_TOPOLOGY_ENTRIES = 1000;
    /** The steering policies a pool set may use: any but {@code geo} (a pool set is already a location choice). */
    static final List<String> STEERING_POLICIES = List.of("off", "random", "dynamic_latency", "proximity",
            "least_outstanding_requests", "least_connections");
    /** The rule override fields a pool set may set (spec §4.6). */
    static final Set<String> OVERRIDE_FIELDS = Set.of("pools", "pool_weights", "pool_default_weight",
            "fallback_pool", "steering_policy");

    private PoolSetReader() {
    }

    /** The pool sets, in order; empty when absent. Refused sets are dropped (the problems are recorded). */
    static List<PoolSet> read(Fields f) {
        final List<JsonNode> items = f.array("pool_sets");
        if (items == null) {
            return List.of();
        }
        if (items.size() > MAX_POOL_SETS) {
            identified(f, f.path("pool_sets"), "POOL_SETS_TOO_LARGE", items.size() + " pool sets (expected: at most "
                    + MAX_POOL_SETS + ")");
            return List.of();
        }
        final List<PoolSet> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            final String path = f.path("pool_sets") + "[" + i + "]";
            final Fields s = f.element(path, items.get(i));
            if (s != null) {
                out.add(poolSet(s, path));
            }
        }
        return out;
    }

    private static PoolSet poolSet(Fields s, String path) {
        String name = s.string("name", null, Integer.MAX_VALUE);
        if (name != null && name.length() > NAME_MAX) {
            identified(s, s.path("name"), "POOL_SET_NAME_TOO_LONG", name.length() + " characters (expected: at most "
                    + NAME_MAX + ")");
            name = null;
        }
        final boolean disabled = s.bool("disabled", false);
        final Fields matchFields = s.object("match");
        final PoolSetMatch match = matchFields == null ? null : match(matchFields, s.path("match"));
        final FixedResponse fixed = LoadBalancerReader.fixedResponse(s.object("fixed_response"));
        final Fields o = s.object("overrides");
        final RuleOverrides overrides = o == null ? null : overrides(o);
        if (s.has("fixed_response") && s.has("overrides")) {
            identified(s, path, "POOL_SET_CONFLICTING_INTENT", "both overrides and fixed_response (expected: "
                    + "exactly one of them)");
        } else if (!s.has("fixed_response") && (o == null || !o.has("pools"))) {
            identified(s, path, "POOL_SET_NO_INTENT", "neither overrides.pools nor fixed_response (expected: one of "
                    + "them)");
        }
        return new PoolSet(name, disabled, match, overrides, fixed);
    }

    private static PoolSetMatch match(Fields m, String path) {
        final Boolean all = m.optionalBool("default");
        final Fields t = m.object("topology");
        if (Boolean.TRUE.equals(all) && m.has("topology")) {
            identified(m, m.path("default"), "POOL_SET_DEFAULT_WITH_MATCH", "true beside topology (expected: "
                    + "either default true or a topology)");
            return PoolSetMatch.DEFAULT;
        }
        if (Boolean.TRUE.equals(all)) {
            return PoolSetMatch.DEFAULT;
        }
        if (t == null) {
            // {} and {"default":false} would match nothing, which no pool set is for.
            if (!m.has("topology")) {
                identified(m, path, "POOL_SET_EMPTY_MATCH", "neither default true "
                        + "nor a topology (expected: {\"default\":true}, a topology, or no match at all)");
            }
            return PoolSetMatch.DEFAULT;
        }
        final List<String> pops = codes(t, "pops", "a PoP code (3 uppercase letters)", Syntax::pop);
        final List<String> countries = codes(t, "countries", "an ISO 3166-1 alpha-2 country code "
                + "(2 uppercase letters)", Syntax::country);
        final List<String> regions = codes(t, "regions", "a region code: " + String.join(", ", Regions.codes()),
                Regions::isRegion);
        if (!t.has("pops") && !t.has("countries") && !t.has("regions")) {
            identified(t, m.path("topology"), "POOL_SET_EMPTY_TOPOLOGY", "none of pops, countries, regions "
                    + "(expected: at least one of them)");
        }
        return new PoolSetMatch(false, pops, countries, regions);
    }

    /** One topology list: 1-1000 distinct valid codes, or null when absent. */
    private static List<String> codes(Fields t, String field, String expected, Predicate<String> valid) {
        final List<JsonNode> items = t.array(field);
        if (items == null) {
            return null;
        }
        final String path = t.path(field);
        if (items.isEmpty()) {
            identified(t, path, "POOL_SET_EMPTY_TOPOLOGY", "[] (expected: 1 or more codes, or the field absent)");
            return null;
        }
        if (items.size() > MAX_TOPOLOGY_ENTRIES) {
            identified(t, path, "POOL_SET_TOPOLOGY_TOO_LARGE", items.size() + " entries (expected: at most "
                    + MAX_TOPOLOGY_ENTRIES + ")");
            return null;
        }
        return t.strings(path, items, expected, valid, true, "POOL_SET_DUPLICATE_ENTRY: ");
    }

    private static RuleOverrides overrides(Fields o) {
        for (String field : o.fieldNames()) {
            if (!OVERRIDE_FIELDS.contains(field)) {
                identified(o, o.path(field), "POOL_SET_UNSUPPORTED_OVERRIDE", "not a pool set override (expected: "
                        + "one of fallback_pool, pool_default_weight, pool_weights, pools, steering_policy)");
            }
        }
        final List<String> pools = LoadBalancerReader.poolIds(o, "pools");
        final Map<String, Double> poolWeights = LoadBalancerReader.poolWeights(o, "pool_weights");
        final Double poolDefaultWeight = o.optionalNumber("pool_default_weight", Syntax.ZERO, Syntax.ONE, null);
        final String fallbackPool = o.optionalId("fallback_pool", "a pool");
        final JsonNode steering = o.raw("steering_policy");
        String steeringPolicy = null;
        if (steering != null) {
            if (steering.isTextual() && STEERING_POLICIES.contains(steering.textValue())) {
                steeringPolicy = steering.textValue();
            } else {
                identified(o, o.path("steering_policy"), "POOL_SET_UNSUPPORTED_STEERING", Fields.show(steering)
                        + " (expected: " + Fields.oneOf(STEERING_POLICIES) + ")");
            }
        }
        return new RuleOverrides(null, null, null, fallbackPool, null, null, null, null, null, null, null,
                steeringPolicy, null, pools, poolWeights, poolDefaultWeight);
    }

    /** A refusal that carries Cloudflare's kind of identifier after the path. */
    private static void identified(Fields f, String path, String identifier, String detail) {
        f.refuse(path, identifier + ": " + detail);
    }
}
