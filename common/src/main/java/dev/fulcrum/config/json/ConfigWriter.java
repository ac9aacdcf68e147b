package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.FixedResponse;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.LoadShedding;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.NotificationFilter;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.PoolSetMatch;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.config.SessionAffinityAttributes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes model objects as Cloudflare returns them: every field present, defaults echoed, integers as integers and
 * integral weights as {@code 1} rather than {@code 1.0}. Map keys are written sorted so output is stable.
 */
final class ConfigWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigWriter() {
    }

    static ObjectNode loadBalancer(LoadBalancer lb, String zoneName) {
        final ObjectNode o = identified(lb.id(), lb.createdOn(), lb.modifiedOn());
        o.put("name", lb.name());
        o.put("description", lb.description());
        o.put("enabled", lb.enabled());
        o.put("proxied", lb.proxied());
        o.put("ttl", lb.ttl());
        o.put("fallback_pool", lb.fallbackPool());
        o.set("default_pools", strings(lb.defaultPools()));
        o.set("region_pools", poolMap(lb.regionPools()));
        o.set("country_pools", poolMap(lb.countryPools()));
        o.set("pop_pools", poolMap(lb.popPools()));
        o.put("steering_policy", lb.steeringPolicy());
        o.set("random_steering", randomSteering(lb.randomSteering()));
        o.set("adaptive_routing", NODES.objectNode()
                .put("failover_across_pools", lb.adaptiveRouting().failoverAcrossPools()));
        o.set("location_strategy", NODES.objectNode().put("mode", lb.locationStrategy().mode())
                .put("prefer_ecs", lb.locationStrategy().preferEcs()));
        o.put("session_affinity", lb.sessionAffinity());
        o.put("session_affinity_ttl", lb.sessionAffinityTtl());
        o.set("session_affinity_attributes", attributes(lb.sessionAffinityAttributes(), true));
        final ArrayNode rules = o.putArray("rules");
        lb.rules().forEach(r -> rules.add(rule(r)));
        o.set("networks", lb.networks() == null ? NODES.nullNode() : strings(lb.networks()));
        // Absent unless used, as Cloudflare shows it (spec §1): the field is new and optional.
        if (!lb.poolSets().isEmpty()) {
            final ArrayNode sets = o.putArray("pool_sets");
            lb.poolSets().forEach(set -> sets.add(poolSet(set)));
        }
        o.put("zone_name", zoneName);
        return o;
    }

    static ObjectNode pool(Pool p) {
        final ObjectNode o = identified(p.id(), p.createdOn(), p.modifiedOn());
        if (p.disabledAt() != null) {
            time(o, "disabled_at", p.disabledAt());
        }
        o.put("name", p.name());
        o.put("description", p.description());
        o.put("enabled", p.enabled());
        o.put("minimum_origins", p.minimumOrigins());
        o.put("monitor", p.monitor());
        if (p.monitorGroup() != null) {
            o.put("monitor_group", p.monitorGroup());
        }
        final ArrayNode origins = o.putArray("origins");
        p.origins().forEach(origin -> origins.add(origin(origin)));
        o.set("origin_steering", NODES.objectNode().put("policy", p.originSteering()));
        o.set("load_shedding", p.loadShedding() == null ? NODES.nullNode() : loadShedding(p.loadShedding()));
        if (p.latitude() != null) {
            number(o, "latitude", p.latitude());
        }
        if (p.longitude() != null) {
            number(o, "longitude", p.longitude());
        }
        o.set("check_regions", p.checkRegions() == null ? NODES.nullNode() : strings(p.checkRegions()));
        o.set("health_sources", p.healthSources() == null ? NODES.nullNode() : strings(p.healthSources()));
        o.put("notification_email", p.notificationEmail());
        o.set("notification_filter", p.notificationFilter() == null ? NODES.nullNode()
                : notificationFilter(p.notificationFilter()));
        o.set("networks", p.networks() == null ? NODES.nullNode() : strings(p.networks()));
        return o;
    }

    static ObjectNode monitor(Monitor m) {
        final ObjectNode o = identified(m.id(), m.createdOn(), m.modifiedOn());
        o.put("type", m.type());
        o.put("description", m.description());
        o.put("method", m.method());
        o.put("path", m.path());
        o.set("header", headers(m.header()));
        o.put("port", m.port());
        o.put("timeout", m.timeout());
        o.put("retries", m.retries());
        o.put("interval", m.interval());
        o.put("expected_codes", m.expectedCodes());
        o.put("expected_body", m.expectedBody());
        o.put("follow_redirects", m.followRedirects());
        o.put("allow_insecure", m.allowInsecure());
        o.put("consecutive_up", m.consecutiveUp());
        o.put("consecutive_down", m.consecutiveDown());
        o.put("probe_zone", m.probeZone());
        return o;
    }

    static ObjectNode monitorGroup(MonitorGroup g) {
        final ObjectNode o = identified(g.id(), g.createdOn(), g.modifiedOn());
        o.put("description", g.description());
        final ArrayNode members = o.putArray("members");
        for (final MonitorGroup.Member m : g.members()) {
            final ObjectNode member = members.addObject();
            member.put("monitor_id", m.monitorId());
            member.put("enabled", m.enabled());
            member.put("monitoring_only", m.monitoringOnly());
            member.put("must_be_healthy", m.mustBeHealthy());
            time(member, "created_at", m.createdAt());
            time(member, "updated_at", m.updatedAt());
        }
        return o;
    }

    private static ObjectNode origin(Origin origin) {
        final ObjectNode o = NODES.objectNode();
        o.put("name", origin.name());
        o.put("address", origin.address());
        o.put("port", origin.port());
        o.put("enabled", origin.enabled());
        number(o, "weight", origin.weight());
        o.set("header", headers(origin.header()));
        if (origin.virtualNetworkId() != null) {
            o.put("virtual_network_id", origin.virtualNetworkId());
        }
        if (origin.disabledAt() != null) {
            time(o, "disabled_at", origin.disabledAt());
        }
        return o;
    }

    private static ObjectNode loadShedding(LoadShedding s) {
        final ObjectNode o = NODES.objectNode();
        number(o, "default_percent", s.defaultPercent());
        o.put("default_policy", s.defaultPolicy());
        number(o, "session_percent", s.sessionPercent());
        o.put("session_policy", s.sessionPolicy());
        return o;
    }

    private static ObjectNode notificationFilter(NotificationFilter f) {
        final ObjectNode o = NODES.objectNode();
        o.set("origin", target(f.origin()));
        o.set("pool", target(f.pool()));
        return o;
    }

    private static com.fasterxml.jackson.databind.JsonNode target(NotificationFilter.Target t) {
        if (t == null) {
            return NODES.nullNode();
        }
        final ObjectNode o = NODES.objectNode().put("disable", t.disable());
        o.put("healthy", t.healthy());
        return o;
    }

    private static ObjectNode randomSteering(RandomSteering r) {
        final ObjectNode o = NODES.objectNode();
        number(o, "default_weight", r.defaultWeight());
        o.set("pool_weights", weights(r.poolWeights()));
        return o;
    }

    private static ObjectNode weights(Map<String, Double> poolWeights) {
        final ObjectNode o = NODES.objectNode();
        new TreeMap<>(poolWeights).forEach((id, w) -> number(o, id, w));
        return o;
    }

    private static ObjectNode attributes(SessionAffinityAttributes a, boolean withDrain) {
        final ObjectNode o = NODES.objectNode();
        o.put("samesite", a.samesite());
        o.put("secure", a.secure());
        if (withDrain) {
            o.put("drain_duration", a.drainDuration());
        }
        o.put("zero_downtime_failover", a.zeroDowntimeFailover());
        o.set("headers", strings(a.headers()));
        o.put("require_all_headers", a.requireAllHeaders());
        return o;
    }

    private static ObjectNode rule(Rule r) {
        final ObjectNode o = NODES.objectNode();
        o.put("name", r.name());
        o.put("condition", r.condition());
        o.put("disabled", r.disabled());
        o.put("priority", r.priority());
        o.put("terminates", r.terminates());
        if (r.fixedResponse() != null) {
            o.set("fixed_response", fixedResponse(r.fixedResponse()));
        }
        if (r.overrides() != null) {
            o.set("overrides", overrides(r.overrides()));
        }
        return o;
    }

    private static ObjectNode poolSet(PoolSet set) {
        final ObjectNode o = NODES.objectNode();
        if (set.name() != null) {
            o.put("name", set.name());
        }
        o.put("disabled", set.disabled());
        if (set.match() != null) {
            o.set("match", match(set.match()));
        }
        if (set.fixedResponse() != null) {
            o.set("fixed_response", fixedResponse(set.fixedResponse()));
        }
        if (set.overrides() != null) {
            // A pool set's overrides hold only the pool-set fields, so the rule writer writes exactly those.
            o.set("overrides", overrides(set.overrides()));
        }
        return o;
    }

    private static ObjectNode match(PoolSetMatch m) {
        final ObjectNode o = NODES.objectNode();
        if (m.all()) {
            o.put("default", true);
            return o;
        }
        final ObjectNode topology = o.putObject("topology");
        if (m.pops() != null) {
            topology.set("pops", strings(m.pops()));
        }
        if (m.countries() != null) {
            topology.set("countries", strings(m.countries()));
        }
        if (m.regions() != null) {
            topology.set("regions", strings(m.regions()));
        }
        return o;
    }

    private static ObjectNode fixedResponse(FixedResponse f) {
        final ObjectNode o = NODES.objectNode();
        o.put("status_code", f.statusCode());
        if (f.contentType() != null) {
            o.put("content_type", f.contentType());
        }
        if (f.location() != null) {
            o.put("location", f.location());
        }
        if (f.messageBody() != null) {
            o.put("message_body", f.messageBody());
        }
        return o;
    }

    /** Only the overridden fields: an absent key means "not overridden". */
    private static ObjectNode overrides(RuleOverrides r) {
        final ObjectNode o = NODES.objectNode();
        if (r.adaptiveRouting() != null) {
            o.set("adaptive_routing", NODES.objectNode()
                    .put("failover_across_pools", r.adaptiveRouting().failoverAcrossPools()));
        }
        if (r.countryPools() != null) {
            o.set("country_pools", poolMap(r.countryPools()));
        }
        if (r.defaultPools() != null) {
            o.set("default_pools", strings(r.defaultPools()));
        }
        if (r.fallbackPool() != null) {
            o.put("fallback_pool", r.fallbackPool());
        }
        if (r.locationStrategy() != null) {
            o.set("location_strategy", NODES.objectNode().put("mode", r.locationStrategy().mode())
                    .put("prefer_ecs", r.locationStrategy().preferEcs()));
        }
        if (r.poolDefaultWeight() != null) {
            number(o, "pool_default_weight", r.poolDefaultWeight());
        }
        if (r.poolWeights() != null) {
            o.set("pool_weights", weights(r.poolWeights()));
        }
        if (r.pools() != null) {
            o.set("pools", strings(r.pools()));
        }
        if (r.popPools() != null) {
            o.set("pop_pools", poolMap(r.popPools()));
        }
        if (r.randomSteering() != null) {
            o.set("random_steering", randomSteering(r.randomSteering()));
        }
        if (r.regionPools() != null) {
            o.set("region_pools", poolMap(r.regionPools()));
        }
        if (r.sessionAffinity() != null) {
            o.put("session_affinity", r.sessionAffinity());
        }
        if (r.sessionAffinityAttributes() != null) {
            o.set("session_affinity_attributes", attributes(r.sessionAffinityAttributes(), false));
        }
        if (r.sessionAffinityTtl() != null) {
            o.put("session_affinity_ttl", r.sessionAffinityTtl());
        }
        if (r.steeringPolicy() != null) {
            o.put("steering_policy", r.steeringPolicy());
        }
        if (r.ttl() != null) {
            o.put("ttl", r.ttl());
        }
        return o;
    }

    private static ObjectNode poolMap(Map<String, List<String>> map) {
        final ObjectNode o = NODES.objectNode();
        new TreeMap<>(map).forEach((key, ids) -> o.set(key, strings(ids)));
        return o;
    }

    private static ObjectNode headers(Map<String, List<String>> header) {
        final ObjectNode o = NODES.objectNode();
        new TreeMap<>(header).forEach((name, values) -> o.set(name, strings(values)));
        return o;
    }

    private static ArrayNode strings(List<String> values) {
        final ArrayNode a = NODES.arrayNode(values.size());
        values.forEach(a::add);
        return a;
    }

    /** A new object node opening with the stored object's {@code id}, {@code created_on} and {@code modified_on}. */
    private static ObjectNode identified(String id, Instant createdOn, Instant modifiedOn) {
        final ObjectNode o = NODES.objectNode();
        o.put("id", id);
        time(o, "created_on", createdOn);
        time(o, "modified_on", modifiedOn);
        return o;
    }

    private static void time(ObjectNode o, String field, Instant t) {
        if (t == null) {
            o.putNull(field);
        } else {
            o.put(field, Timestamps.format(t));
        }
    }

    /** Integral values as JSON integers (Cloudflare writes {@code "weight": 1}), others as decimals. */
    private static void number(ObjectNode o, String field, double value) {
        if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
            o.put(field, (int) value);
        } else {
            o.put(field, value);
        }
    }
}
