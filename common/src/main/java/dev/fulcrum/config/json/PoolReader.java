package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.LoadShedding;
import dev.fulcrum.config.NotificationFilter;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a pool body (spec §2) into a {@link Pool} with every default applied, and keeps the {@code disabled_at}
 * timestamps of the pool and its origins across writes.
 */
final class PoolReader {

    private static final BigDecimal LAT = BigDecimal.valueOf(90);
    private static final BigDecimal LON = BigDecimal.valueOf(180);

    private PoolReader() {
    }

    /**
     * @param previous the stored pool this body replaces, or null; its {@code disabled_at} values survive while
     *                 the pool or origin stays disabled
     * @param restore  true when reading the store's own copy: {@code disabled_at} values come from the body
     */
    static Pool read(JsonNode body, ConfigJson.Meta meta, Pool previous, boolean restore) {
        final Problems problems = new Problems();
        final Fields f = Fields.root(body, problems);

        // The limits added after a release apply to writes; restoring the store must not refuse what it holds.
        final int nameMax = restore ? Integer.MAX_VALUE : Syntax.NAME_MAX;
        final String name = f.requiredString("name", "a name of at most " + Syntax.NAME_MAX
                + " characters matching ^[-_a-zA-Z0-9]+$", s -> s.length() <= nameMax && Syntax.poolName(s));
        final String description = f.string("description", "", Syntax.DESCRIPTION_MAX);
        final boolean enabled = f.bool("enabled", true);
        final int minimumOrigins = f.integer("minimum_origins", 1, 1, Integer.MAX_VALUE);
        final String monitor = f.optionalReference("monitor", "a monitor");
        final String monitorGroup = f.optionalReference("monitor_group", "a monitor group");
        final List<Origin> origins = origins(f, meta, previous, restore);
        final Fields steering = f.object("origin_steering");
        final String originSteering = steering == null ? "random"
                : steering.choice("policy", "random", Syntax.ORIGIN_STEERING);
        final LoadShedding shedding = loadShedding(f.object("load_shedding"));
        final Double latitude = f.optionalNumber("latitude", LAT.negate(), LAT, null);
        final Double longitude = f.optionalNumber("longitude", LON.negate(), LON, null);
        if (f.has("latitude") != f.has("longitude")) {
            final String given = f.has("latitude") ? "latitude" : "longitude";
            final String other = f.has("latitude") ? "longitude" : "latitude";
            f.missing(f.path(other), "a " + other + " when " + given + " is set");
        }
        final List<String> checkRegions = f.stringList("check_regions", Fields.oneOf(Syntax.CHECK_REGIONS),
                Syntax.CHECK_REGIONS::contains, true);
        final List<String> healthSources = healthSources(f, checkRegions);
        final String notificationEmail = f.string("notification_email", "",
                "a comma-separated list of e-mail addresses", Syntax::emailList);
        final NotificationFilter filter = notificationFilter(f.object("notification_filter"));
        List<String> networks = f.stringList("networks", Fields.oneOf(Syntax.NETWORKS), Syntax.NETWORKS::contains,
                true);
        if (networks == null) {
            networks = Syntax.DEFAULT_NETWORKS;
        }
        final Instant disabledAt = enabled ? null
                : disabledAt(f, restore, previous == null || previous.enabled() ? null : previous.disabledAt(),
                        meta.modifiedOn());

        problems.throwIfAny();
        return new Pool(meta.id(), meta.ownerId(), meta.createdOn(), meta.modifiedOn(), disabledAt, name,
                description, enabled, minimumOrigins, monitor, monitorGroup, origins, originSteering, shedding,
                latitude, longitude, checkRegions, notificationEmail, filter, networks, healthSources);
    }

    /**
     * {@code health_sources}: null (absent) or exactly {@code ["regional","global"]}, which needs at least one
     * check region: Cloudflare refuses every other combination.
     */
    private static List<String> healthSources(Fields f, List<String> checkRegions) {
        final List<String> sources = f.stringList("health_sources", Fields.oneOf(Pool.REGIONAL_THEN_GLOBAL),
                Pool.REGIONAL_THEN_GLOBAL::contains, true);
        if (sources == null) {
            return null;
        }
        if (!sources.equals(Pool.REGIONAL_THEN_GLOBAL)) {
            f.refuse(f.path("health_sources"), f.raw("health_sources"), "null or [\"regional\", \"global\"]");
        } else if (checkRegions == null || checkRegions.isEmpty()) {
            f.refuse(f.path("health_sources"), f.raw("health_sources"), "check_regions with at least one region "
                    + "for regional health");
        }
        return sources;
    }

    /** When a pool or origin became disabled: the stored time if it already was, else now (the write time). */
    private static Instant disabledAt(Fields f, boolean restore, Instant previous, Instant now) {
        if (restore && f.has("disabled_at")) {
            final JsonNode v = f.raw("disabled_at");
            final Instant t = v.isTextual() ? Timestamps.parse(v.textValue()) : null;
            if (t == null) {
                f.refuse(f.path("disabled_at"), v, "an RFC 3339 timestamp");
            }
            return t;
        }
        return previous != null ? previous : now;
    }

    private static List<Origin> origins(Fields f, ConfigJson.Meta meta, Pool previous, boolean restore) {
        final List<JsonNode> items = f.array("origins");
        if (items == null || items.isEmpty() || items.size() > Syntax.MAX_ORIGINS) {
            if (items != null || !f.has("origins")) {
                f.refuse(f.path("origins"), "the origin list length must be in range [1, " + Syntax.MAX_ORIGINS
                        + "]");
            }
            return List.of();
        }
        final Map<String, Origin> previousByName = new HashMap<>();
        final Map<String, Origin> previousByKey = new HashMap<>();
        if (previous != null) {
            for (final Origin o : previous.origins()) {
                previousByName.putIfAbsent(o.name(), o);
                previousByKey.putIfAbsent(uniquenessKey(o), o);
            }
        }
        final List<Origin> out = new ArrayList<>(items.size());
        final Map<String, Integer> seen = new HashMap<>();
        final Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            final String path = f.path("origins") + "[" + i + "]";
            final Fields o = f.element(path, items.get(i));
            if (o == null) {
                continue;
            }
            final Origin origin = origin(o, meta, previousByName, previousByKey, restore);
            if (origin == null) {
                continue;
            }
            final Integer first = seen.putIfAbsent(uniquenessKey(origin), i);
            if (first != null) {
                o.refuse(o.path("address"), o.raw("address"), "unique (address, port, virtual_network_id) within "
                        + "the pool; same as origins[" + first + "]");
            }
            // [G] Names identify an origin in pool health, metrics, the access log and the dashboard. A store written
            // before this rule may hold repeats: it still loads.
            final Integer sameName = names.putIfAbsent(origin.name(), i);
            if (sameName != null && !restore) {
                o.refuse(o.path("name"), o.raw("name"), "an origin name not used by another origin of the pool; "
                        + "same as origins[" + sameName + "]");
            }
            out.add(origin);
        }
        return out;
    }

    // Spec §2.1 [C]: the newer rule, where repeats that differ in port or virtual network are allowed.
    private static String uniquenessKey(Origin o) {
        return o.address().toLowerCase(java.util.Locale.ROOT) + '\u0000' + o.port() + '\u0000'
                + Objects.toString(o.virtualNetworkId(), "");
    }

    private static Origin origin(Fields o, ConfigJson.Meta meta, Map<String, Origin> previousByName,
                                 Map<String, Origin> previousByKey, boolean restore) {
        final int nameMax = restore ? Syntax.MAX_TEXT : Syntax.NAME_MAX;
        final String name = o.requiredString("name", "a non-empty string of at most " + Syntax.NAME_MAX
                + " characters", s -> !s.isEmpty() && s.length() <= nameMax);
        final String address = o.requiredString("address", "an IPv4 address, IPv6 address or hostname",
                Syntax::address);
        final int port = o.integer("port", 0, 0, 65535);
        final boolean enabled = o.bool("enabled", true);
        final double weight = o.number("weight", 1.0, Syntax.ZERO, Syntax.ONE, Syntax.HUNDREDTH);
        final Map<String, List<String>> header = originHeader(o, restore);
        final String vnet = o.string("virtual_network_id", null, "a UUID", Syntax::uuid);
        if (name == null || address == null) {
            return null;
        }
        Instant disabledAt = null;
        if (!enabled) {
            Origin before = previousByName.get(name);
            final Origin candidate = new Origin(name, address, port, true, weight, header, vnet, null);
            if (before == null) {
                before = previousByKey.get(uniquenessKey(candidate));
            }
            final Instant kept = before == null || before.enabled() ? null : before.disabledAt();
            disabledAt = disabledAt(o, restore, kept, meta.modifiedOn());
        }
        return new Origin(name, address, port, enabled, weight, header, vnet, disabledAt);
    }

    /**
     * Only {@code Host}, with exactly one value (spec §2.1), a host as RFC 3986 has it: it becomes the Host header
     * and the TLS name toward the origin. The name is matched case-insensitively. A restored value only has to be a
     * header value, as before the host check.
     */
    private static Map<String, List<String>> originHeader(Fields o, boolean restore) {
        final Map<String, JsonNode> entries = o.entries("header");
        if (entries == null) {
            return Map.of();
        }
        final Map<String, List<String>> out = new HashMap<>();
        entries.forEach((key, value) -> {
            final String path = o.path("header") + "." + key;
            if (!"host".equalsIgnoreCase(key)) {
                o.refuse(path, "key \"" + key + "\" (expected: Host, the only header an origin can set)");
                return;
            }
            if (!value.isArray() || value.size() != 1 || !value.get(0).isTextual()
                    || !hostOverride(value.get(0).textValue(), restore)) {
                o.refuse(path, value, "a list of exactly one host name or IP literal with an optional :port "
                        + "(RFC 3986 host)");
                return;
            }
            if (out.put("Host", List.of(value.get(0).textValue())) != null) {
                o.refuse(path, "repeated (expected: one Host entry)");
            }
        });
        return out;
    }

    private static boolean hostOverride(String host, boolean restore) {
        return restore ? !host.isEmpty() && Syntax.headerValue(host) : Syntax.hostHeader(host);
    }

    private static LoadShedding loadShedding(Fields o) {
        if (o == null) {
            return null;
        }
        final double defaultPercent = o.number("default_percent", 0, Syntax.ZERO, Syntax.HUNDRED, null);
        final String defaultPolicy = o.choice("default_policy", "random", Syntax.SHEDDING_DEFAULT_POLICIES);
        final double sessionPercent = o.number("session_percent", 0, Syntax.ZERO, Syntax.HUNDRED, null);
        final String sessionPolicy = o.choice("session_policy", "hash", Syntax.SHEDDING_SESSION_POLICIES);
        return new LoadShedding(defaultPercent, defaultPolicy, sessionPercent, sessionPolicy);
    }

    private static NotificationFilter notificationFilter(Fields o) {
        if (o == null) {
            return null;
        }
        return new NotificationFilter(target(o.object("origin")), target(o.object("pool")));
    }

    private static NotificationFilter.Target target(Fields o) {
        return o == null ? null : new NotificationFilter.Target(o.bool("disable", false), o.optionalBool("healthy"));
    }
}
