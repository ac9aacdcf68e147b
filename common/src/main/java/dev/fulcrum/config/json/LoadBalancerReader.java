package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.FixedResponse;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.LocationStrategy;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.Regions;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.rules.Condition;
import dev.fulcrum.rules.ConditionException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a load balancer body (spec §1, §4.6, §5.3, §6) into a {@link LoadBalancer} with every default applied. The pieces
 * an LB shares with rule overrides (pool lists and maps, steering, affinity) are read by the same methods so a rule
 * override is validated exactly like the LB field it overrides.
 */
final class LoadBalancerReader {

    static final int COOKIE_TTL_DEFAULT = 82800;
    static final int COOKIE_TTL_MIN = 1800;
    static final int COOKIE_TTL_MAX = 604800;
    static final int HEADER_TTL_DEFAULT = 1800;
    static final int HEADER_TTL_MIN = 30;
    static final int HEADER_TTL_MAX = 3600;
    static final int DEFAULT_TTL = 30;

    private LoadBalancerReader() {
    }

    /**
     * @param checkConditions compile every rule's condition and refuse those that do not (API writes); false when
     *                        restoring the store, so a condition stored before a grammar change cannot stop a start
     *                        (the router then treats it as matching nothing and says so in the log)
     */
    static LoadBalancer read(JsonNode body, ConfigJson.Meta meta, boolean checkConditions) {
        final Problems problems = new Problems();
        final Fields f = Fields.root(body, problems);

        final String name = f.requiredString("name", "a hostname such as www.example.com", Syntax::hostname);
        final String description = f.string("description", "", Syntax.DESCRIPTION_MAX);
        final boolean enabled = f.bool("enabled", true);
        final boolean proxied = f.bool("proxied", false);
        final int ttl = f.integer("ttl", DEFAULT_TTL, 0, Integer.MAX_VALUE);
        final String fallbackPool = f.requiredId("fallback_pool", "a pool");
        List<String> defaultPools = poolIds(f, "default_pools");
        if (defaultPools == null) {
            if (!f.has("default_pools")) {
                f.missing(f.path("default_pools"), "a list of 1 or more pool ids");
            }
            defaultPools = List.of();
        }
        final Map<String, List<String>> regionPools = regionPools(f);
        final Map<String, List<String>> countryPools = countryPools(f);
        final Map<String, List<String>> popPools = popPools(f);
        final String steeringPolicy = f.choice("steering_policy", "", Syntax.STEERING_POLICIES);
        final RandomSteering randomSteering = randomSteering(f.object("random_steering"), RandomSteering.DEFAULT);
        final AdaptiveRouting adaptiveRouting = adaptiveRouting(f.object("adaptive_routing"),
                AdaptiveRouting.DEFAULT);
        final LocationStrategy locationStrategy = locationStrategy(f.object("location_strategy"),
                LocationStrategy.DEFAULT);
        final String sessionAffinity = affinity(f, "none");
        final Integer sessionAffinityTtl = affinityTtl(f, sessionAffinity, true);
        final Fields attrFields = f.object("session_affinity_attributes");
        final SessionAffinityAttributes attributes = attributes(attrFields, true);
        checkAffinity(f, sessionAffinity, attributes);
        final List<Rule> rules = rules(f, sessionAffinity, attributes, checkConditions);
        List<String> networks = f.stringList("networks", Fields.oneOf(Syntax.NETWORKS), Syntax.NETWORKS::contains,
                true);
        if (networks == null) {
            networks = Syntax.DEFAULT_NETWORKS;
        }

        final List<PoolSet> poolSets = PoolSetReader.read(f);

        problems.throwIfAny();
        return new LoadBalancer(meta.id(), meta.ownerId(), meta.createdOn(), meta.modifiedOn(), name, description,
                enabled, proxied, ttl, fallbackPool, defaultPools, regionPools, countryPools, popPools,
                steeringPolicy, randomSteering, adaptiveRouting, locationStrategy, sessionAffinity,
                sessionAffinityTtl, attributes, rules, networks, poolSets);
    }

    // ---- pool references ---------------------------------------------------------------------------------------

    /** A list of 1 or more distinct pool ids; null when absent or refused. */
    static List<String> poolIds(Fields f, String field) {
        final List<JsonNode> items = f.array(field);
        if (items == null) {
            return null;
        }
        return poolIdList(f, f.path(field), items);
    }

    private static List<String> poolIdList(Fields f, String path, List<JsonNode> items) {
        if (items.isEmpty()) {
            f.refuse(path, "[] (expected: a list of 1 or more pool ids)");
            return null;
        }
        if (items.size() > LoadBalancer.MAX_POOLS_PER_LIST) {
            f.refuse(path, items.size() + " pool ids (expected: at most " + LoadBalancer.MAX_POOLS_PER_LIST + ")");
            return null;
        }
        final int before = f.problems().count();
        final List<String> ids = f.strings(path, items, "pool id (32 lowercase hex)", Ids::isValid, true);
        return f.problems().count() == before ? ids : null;
    }

    static Map<String, List<String>> regionPools(Fields f) {
        return poolMap(f, "region_pools", Regions::isRegion, "a region code: " + String.join(", ", Regions.codes()));
    }

    static Map<String, List<String>> countryPools(Fields f) {
        return poolMap(f, "country_pools", Syntax::country, "an ISO 3166-1 alpha-2 country code (2 uppercase letters)");
    }

    static Map<String, List<String>> popPools(Fields f) {
        return poolMap(f, "pop_pools", Syntax::pop, "a PoP code (3 uppercase letters)");
    }

    /** A map key → list of pool ids; empty when absent, null never. Refused entries are dropped. */
    private static Map<String, List<String>> poolMap(Fields f, String field, Predicate<String> keyValid,
                                                     String keyExpected) {
        final Map<String, JsonNode> entries = f.entries(field);
        if (entries == null) {
            return Map.of();
        }
        final Map<String, List<String>> out = new LinkedHashMap<>();
        entries.forEach((key, value) -> {
            final String path = f.path(field) + "." + key;
            if (!keyValid.test(key)) {
                f.refuse(path, "key \"" + key + "\" (expected: " + keyExpected + ")");
                return;
            }
            if (!value.isArray()) {
                f.refuse(path, value, "a list of 1 or more pool ids");
                return;
            }
            final List<JsonNode> items = new ArrayList<>();
            value.forEach(items::add);
            final List<String> ids = poolIdList(f, path, items);
            if (ids != null) {
                out.put(key, ids);
            }
        });
        return out;
    }

    // ---- steering ----------------------------------------------------------------------------------------------

    static RandomSteering randomSteering(Fields o, RandomSteering def) {
        if (o == null) {
            return def;
        }
        final double defaultWeight = o.number("default_weight", 1.0, Syntax.ZERO, Syntax.ONE, Syntax.TENTH);
        final Map<String, Double> weights = poolWeights(o, "pool_weights");
        return new RandomSteering(defaultWeight, weights == null ? Map.of() : weights);
    }

    /**
     * A map pool id → weight 0–1 ({@code random_steering.pool_weights}, {@code overrides.pool_weights}); null when
     * absent. Refused entries are dropped. The keys are only checked for shape, not existence: a weight names no
     * pool to route to, so a stale one is harmless (see {@code References}).
     */
    static Map<String, Double> poolWeights(Fields o, String field) {
        final Map<String, JsonNode> entries = o.entries(field);
        if (entries == null) {
            return null;
        }
        final Map<String, Double> weights = new LinkedHashMap<>();
        entries.forEach((key, value) -> {
            final String path = o.path(field) + "." + key;
            if (!Ids.isValid(key)) {
                o.refuse(path, "key \"" + key + "\" (expected: a pool id (32 lowercase hex))");
                return;
            }
            final Double w = o.numberValue(path, value, Syntax.ZERO, Syntax.ONE, null);
            if (w != null) {
                weights.put(key, w);
            }
        });
        return weights;
    }

    static AdaptiveRouting adaptiveRouting(Fields o, AdaptiveRouting def) {
        return o == null ? def : new AdaptiveRouting(o.bool("failover_across_pools", false));
    }

    static LocationStrategy locationStrategy(Fields o, LocationStrategy def) {
        if (o == null) {
            return def;
        }
        return new LocationStrategy(o.choice("mode", "pop", Syntax.LOCATION_MODES),
                o.choice("prefer_ecs", "proximity", Syntax.PREFER_ECS));
    }

    // ---- session affinity --------------------------------------------------------------------------------------

    /** {@code session_affinity}, with {@code ""} stored as {@code none}; {@code def} when absent. */
    static String affinity(Fields f, String def) {
        final String a = f.choice("session_affinity", def, Syntax.SESSION_AFFINITIES);
        return a == null || !a.isEmpty() ? a : "none";
    }

    /**
     * {@code session_affinity_ttl} in the range of the affinity in force; when absent, the default for that
     * affinity if {@code applyDefault}, else null. With affinity {@code none} a given value is kept (in the widest
     * range) so switching affinity back on restores it.
     */
    static Integer affinityTtl(Fields f, String affinity, boolean applyDefault) {
        switch (affinity) {
            case "cookie":
            case "ip_cookie": {
                final Integer ttl = f.optionalInteger("session_affinity_ttl", COOKIE_TTL_MIN, COOKIE_TTL_MAX);
                return ttl != null || !applyDefault ? ttl : Integer.valueOf(COOKIE_TTL_DEFAULT);
            }
            case "header": {
                final Integer ttl = f.optionalInteger("session_affinity_ttl", HEADER_TTL_MIN, HEADER_TTL_MAX);
                return ttl != null || !applyDefault ? ttl : Integer.valueOf(HEADER_TTL_DEFAULT);
            }
            default:
                return f.optionalInteger("session_affinity_ttl", HEADER_TTL_MIN, COOKIE_TTL_MAX);
        }
    }

    /** The TTL an affinity takes when none is given: cookie/ip_cookie 82800 s, header 1800 s, else 0 (none). */
    static int defaultTtl(String affinity) {
        switch (affinity) {
            case "cookie":
            case "ip_cookie":
                return COOKIE_TTL_DEFAULT;
            case "header":
                return HEADER_TTL_DEFAULT;
            default:
                return 0;
        }
    }

    /** Attributes with defaults; {@code allowDrain} is false inside rule overrides (spec §6). */
    static SessionAffinityAttributes attributes(Fields o, boolean allowDrain) {
        if (o == null) {
            return SessionAffinityAttributes.DEFAULT;
        }
        final String samesite = o.choice("samesite", "Auto", Syntax.SAMESITE);
        final String secure = o.choice("secure", "Auto", Syntax.SECURE);
        int drain = 0;
        if (allowDrain) {
            drain = o.integer("drain_duration", 0, 0, SessionAffinityAttributes.MAX_DRAIN_SECONDS);
        } else if (o.has("drain_duration")) {
            o.refuse(o.path("drain_duration"), o.raw("drain_duration"), "absent: drain_duration cannot be "
                    + "overridden by a rule");
        }
        final String zdf = o.choice("zero_downtime_failover", "none", Syntax.ZERO_DOWNTIME_FAILOVER);
        List<JsonNode> items = o.array("headers");
        List<String> headers = List.of();
        if (items != null) {
            if (items.size() > Syntax.MAX_AFFINITY_HEADERS) {
                o.refuse(o.path("headers"), items.size() + " entries (expected: at most "
                        + Syntax.MAX_AFFINITY_HEADERS + ")");
                items = items.subList(0, Syntax.MAX_AFFINITY_HEADERS);
            }
            headers = o.strings(o.path("headers"), items, "a header name of 1-100 characters [A-Za-z0-9_-], "
                    + "\"cookie\" or \"cookie:<name>,<name>\"", Syntax::affinityHeader, true);
        }
        final boolean requireAll = o.bool("require_all_headers", false);
        if ("None".equals(samesite) && "Never".equals(secure)) {
            o.refuse(o.path("secure"), "\"Never\" with samesite \"None\" (expected: Auto or Always when samesite "
                    + "is None)");
        }
        return new SessionAffinityAttributes(samesite, secure, drain, zdf, headers, requireAll);
    }

    /** The rules that tie the affinity type to its attributes (spec §5.3). */
    static void checkAffinity(Fields f, String affinity, SessionAffinityAttributes attributes) {
        if (!"header".equals(affinity)) {
            return;
        }
        final String attrPath = f.path("session_affinity_attributes");
        if (attributes.headers().isEmpty()) {
            f.refuse(attrPath + ".headers", "missing or empty (expected: at least 1 header name when "
                    + "session_affinity is header)");
        }
        if ("sticky".equals(attributes.zeroDowntimeFailover())) {
            f.refuse(attrPath + ".zero_downtime_failover", "\"sticky\" (expected: none or temporary when "
                    + "session_affinity is header)");
        }
    }

    // ---- rules -------------------------------------------------------------------------------------------------

    private static List<Rule> rules(Fields f, String lbAffinity, SessionAffinityAttributes lbAttributes,
                                    boolean checkConditions) {
        final List<JsonNode> items = f.array("rules");
        if (items == null) {
            return List.of();
        }
        if (items.size() > Syntax.MAX_RULES) {
            f.refuse(f.path("rules"), items.size() + " rules (expected: at most " + Syntax.MAX_RULES + ")");
            return List.of();
        }
        final List<Rule> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            final String path = f.path("rules") + "[" + i + "]";
            final Fields r = f.element(path, items.get(i));
            if (r == null) {
                continue;
            }
            final Rule rule = rule(r, path, lbAffinity, lbAttributes, checkConditions);
            if (rule != null) {
                out.add(rule);
            }
        }
        return out;
    }

    private static Rule rule(Fields r, String path, String lbAffinity, SessionAffinityAttributes lbAttributes,
                             boolean checkConditions) {
        final String name = r.requiredString("name", "string of at most " + Syntax.RULE_NAME_MAX + " characters",
                s -> s.length() <= Syntax.RULE_NAME_MAX);
        final String condition = r.string("condition", "", Syntax.CONDITION_MAX);
        if (checkConditions) {
            checkCondition(r, condition);
        }
        final boolean disabled = r.bool("disabled", false);
        final int priority = r.integer("priority", 0, 0, Integer.MAX_VALUE);
        final boolean terminates = r.bool("terminates", false);
        final FixedResponse fixed = fixedResponse(r.object("fixed_response"));
        final Fields o = r.object("overrides");
        final RuleOverrides overrides = o == null ? null : overrides(o, lbAffinity, lbAttributes);
        if (fixed == null && overrides == null && !r.has("fixed_response") && !r.has("overrides")) {
            r.refuse(path, "neither overrides nor fixed_response (expected: at least one of them)");
        }
        // A fixed response ends evaluation whatever the client sent (spec §6).
        return new Rule(name, condition, disabled, priority, fixed != null || terminates, fixed, overrides);
    }

    /**
     * Refuses a condition the rules language (spec §6.1) does not accept, e.g. {@code rules[0].condition:
     * "ip.src contains \"x\"" at column 8: contains on ip.src (an IP address) (expected: an operator: eq (==), ne
     * (!=), in)}.
     */
    private static void checkCondition(Fields r, String condition) {
        try {
            Condition.compile(condition);
        } catch (ConditionException e) {
            r.refuse(r.path("condition"), Fields.show(r.raw("condition")) + " " + e.getMessage());
        }
    }

    /** A fixed response (rules, pool sets), or null when absent or refused. */
    static FixedResponse fixedResponse(Fields o) {
        if (o == null) {
            return null;
        }
        final Integer status = o.optionalInteger("status_code", 200, 599);
        if (status == null && !o.has("status_code")) {
            o.missing(o.path("status_code"), "integer 200-599");
        }
        final String contentType = o.string("content_type", null, Syntax.CONTENT_TYPE_MAX);
        final String location = o.string("location", null, Syntax.LOCATION_MAX);
        final String body = o.string("message_body", null, Syntax.MESSAGE_BODY_MAX);
        return status == null ? null : new FixedResponse(status, contentType, location, body);
    }

    private static RuleOverrides overrides(Fields o, String lbAffinity, SessionAffinityAttributes lbAttributes) {
        final AdaptiveRouting adaptive = adaptiveRouting(o.object("adaptive_routing"), null);
        final Map<String, List<String>> countryPools = o.has("country_pools") ? countryPools(o) : null;
        final List<String> defaultPools = poolIds(o, "default_pools");
        final String fallbackPool = o.optionalId("fallback_pool", "a pool");
        final LocationStrategy location = locationStrategy(o.object("location_strategy"), null);
        final Map<String, List<String>> popPools = o.has("pop_pools") ? popPools(o) : null;
        final RandomSteering random = randomSteering(o.object("random_steering"), null);
        final Map<String, List<String>> regionPools = o.has("region_pools") ? regionPools(o) : null;
        final String affinity = o.has("session_affinity") ? affinity(o, null) : null;
        final String effectiveAffinity = affinity != null ? affinity : lbAffinity;
        final Fields attrFields = o.object("session_affinity_attributes");
        final SessionAffinityAttributes attributes = attrFields == null ? null : attributes(attrFields, false);
        if (affinity != null || attributes != null) {
            checkAffinity(o, effectiveAffinity, attributes != null ? attributes : lbAttributes);
        }
        final Integer ttl = affinityTtl(o, effectiveAffinity, false);
        final String steering = o.choice("steering_policy", null, Syntax.STEERING_POLICIES);
        final Integer dnsTtl = o.optionalInteger("ttl", 0, Integer.MAX_VALUE);
        final List<String> pools = poolIds(o, "pools");
        final Map<String, Double> poolWeights = poolWeights(o, "pool_weights");
        final Double poolDefaultWeight = o.optionalNumber("pool_default_weight", Syntax.ZERO, Syntax.ONE, null);
        refuseBesideRandomSteering(o, "pool_weights");
        refuseBesideRandomSteering(o, "pool_default_weight");
        return new RuleOverrides(adaptive, countryPools, defaultPools, fallbackPool, location, popPools, random,
                regionPools, affinity, attributes, ttl, steering, dnsTtl, pools, poolWeights, poolDefaultWeight);
    }

    /**
     * Spec §6: {@code pool_weights} and {@code pool_default_weight} cannot be combined with {@code random_steering}
     * in the same overrides; both would set the same weights, and neither order of precedence is documented.
     */
    private static void refuseBesideRandomSteering(Fields o, String field) {
        if (o.has(field) && o.has("random_steering")) {
            o.refuse(o.path(field), o.raw(field), "absent when random_steering is overridden too: " + field
                    + " cannot be combined with random_steering");
        }
    }
}
