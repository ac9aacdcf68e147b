package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.MonitorGroup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a monitor group body into a {@link MonitorGroup}. Cloudflare's schema requires {@code description} and
 * {@code members}, and sets no minimum on the members: an empty list is accepted. Each member needs its
 * {@code monitor_id}; its three flags default to enabled, deciding and not critical [G] (Cloudflare's SDKs always
 * send all three). A monitor may appear once per group.
 */
final class MonitorGroupReader {

    private MonitorGroupReader() {
    }

    /**
     * @param previous the stored group this body replaces, or null; a member whose monitor was already in it keeps
     *                 its {@code created_at}, and its {@code updated_at} while its flags stay the same
     * @param restore  true when reading the store's own copy: the members' timestamps come from the body
     */
    static MonitorGroup read(JsonNode body, ConfigJson.Meta meta, MonitorGroup previous, boolean restore) {
        final Problems problems = new Problems();
        final Fields f = Fields.root(body, problems);
        final String description = f.requiredString("description",
                "a string of at most " + Syntax.DESCRIPTION_MAX + " characters",
                s -> s.length() <= Syntax.DESCRIPTION_MAX);
        final List<MonitorGroup.Member> members = members(f, meta.modifiedOn(), previous, restore);
        problems.throwIfAny();
        return new MonitorGroup(meta.id(), meta.ownerId(), meta.createdOn(), meta.modifiedOn(),
                description == null ? "" : description, members);
    }

    private static List<MonitorGroup.Member> members(Fields f, Instant now, MonitorGroup previous,
                                                     boolean restore) {
        final List<JsonNode> items = f.array("members");
        if (items == null) {
            if (!f.has("members")) {
                f.missing(f.path("members"), "a list of members, each with a monitor_id");
            }
            return List.of();
        }
        final List<MonitorGroup.Member> out = new ArrayList<>(items.size());
        final Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            final String path = f.path("members") + "[" + i + "]";
            final Fields m = f.element(path, items.get(i));
            if (m == null) {
                continue;
            }
            final String monitorId = m.requiredId("monitor_id", "a monitor");
            final boolean enabled = m.bool("enabled", true);
            final boolean monitoringOnly = m.bool("monitoring_only", false);
            final boolean mustBeHealthy = m.bool("must_be_healthy", false);
            if (monitorId == null) {
                continue;
            }
            final Integer first = seen.putIfAbsent(monitorId, i);
            if (first != null) {
                m.refuse(m.path("monitor_id"), "\"" + monitorId + "\" is already members[" + first
                        + "] (expected: each monitor once per group)");
                continue;
            }
            final Instant createdAt;
            final Instant updatedAt;
            if (restore) {
                createdAt = storedTime(m, "created_at");
                updatedAt = storedTime(m, "updated_at");
            } else {
                final MonitorGroup.Member old = previous == null ? null : previous.member(monitorId);
                createdAt = old == null || old.createdAt() == null ? now : old.createdAt();
                updatedAt = old != null && old.updatedAt() != null && old.enabled() == enabled
                        && old.monitoringOnly() == monitoringOnly && old.mustBeHealthy() == mustBeHealthy
                        ? old.updatedAt() : now;
            }
            out.add(new MonitorGroup.Member(monitorId, enabled, monitoringOnly, mustBeHealthy, createdAt,
                    updatedAt));
        }
        return out;
    }

    private static Instant storedTime(Fields m, String field) {
        final String text = m.requiredString(field, "an RFC 3339 timestamp", s -> Timestamps.parse(s) != null);
        return text == null ? null : Timestamps.parse(text);
    }
}
