package dev.fulcrum.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;
import dev.fulcrum.config.json.ConfigJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The persisted form of the configuration: each object as the API writes it plus its owner id
 * ({@code account_id} / {@code zone_id}), grouped by kind. Used both for the full state file and for the changes a
 * journal record carries, so both read back through the same validating codec.
 */
final class SnapshotCodec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ConfigJson json = new ConfigJson();

    /** Mutable maps, by kind, used while a snapshot is being rebuilt from disk. */
    static final class Builder {
        private final Map<ConfigKind, Map<String, Object>> objects = new EnumMap<>(ConfigKind.class);
        /** Objects decoded ahead ({@link #decodeAhead}), by the very JSON node each was read from. */
        private final Map<JsonNode, Object> decoded = new IdentityHashMap<>();

        Builder() {
            for (ConfigKind kind : ConfigKind.values()) {
                objects.put(kind, new HashMap<>());
            }
        }

        Map<String, Object> of(ConfigKind kind) {
            return objects.get(kind);
        }

        ConfigSnapshot build(long revision) {
            return ConfigSnapshot.of(revision, objects::get);
        }
    }

    // ---- whole snapshot ----------------------------------------------------------------------------------------

    /** Every object of the snapshot, grouped by kind, ordered by id so the file is stable. */
    ObjectNode encodeAll(ConfigSnapshot s) {
        final ObjectNode out = NODES.objectNode();
        for (ConfigKind kind : ConfigKind.values()) {
            final Map<String, ?> objects = s.objects(kind);
            final ArrayNode list = NODES.arrayNode(objects.size());
            // The maps iterate in id order.
            objects.values().forEach(object -> list.add(encode(kind, object, s)));
            out.set(kind.storeName(), list);
        }
        return out;
    }

    /**
     * What a commit changed, as a journal record: {@code put} holds the added or replaced objects as they are in
     * the change's next snapshot, {@code delete} the ids removed, both grouped by kind. Visits only the changed ids.
     * An LB's zone_name is derived from its zone and ignored on restore, so a zone rename needs no LB rewrite.
     */
    ObjectNode encodeChange(ConfigChange change) {
        final ConfigSnapshot next = change.next();
        final ObjectNode put = NODES.objectNode();
        final ObjectNode delete = NODES.objectNode();
        for (ConfigKind kind : ConfigKind.values()) {
            final Map<String, ?> after = next.objects(kind);
            for (final String id : change.ids(kind)) {
                final Object object = after.get(id);
                if (object != null) {
                    (put.has(kind.storeName()) ? (ArrayNode) put.get(kind.storeName())
                            : put.putArray(kind.storeName())).add(encode(kind, object, next));
                } else {
                    (delete.has(kind.storeName()) ? (ArrayNode) delete.get(kind.storeName())
                            : delete.putArray(kind.storeName())).add(id);
                }
            }
        }
        final ObjectNode out = NODES.objectNode();
        out.set("put", put);
        out.set("delete", delete);
        return out;
    }

    // ---- decoding ----------------------------------------------------------------------------------------------

    /**
     * Decodes on every CPU the objects that {@code groups} (each {@code kind → [object]}, as {@link #decodeInto}
     * reads them) hold, for {@link #decodeInto} to file without decoding them again: decoding and validating every
     * object was about a third of the main thread's start from a large store. Anything that does not decode is
     * skipped here, so that {@link #decodeInto}, which goes in order, meets it where it always did and names it.
     */
    void decodeAhead(List<JsonNode> groups, Builder b) {
        final List<Map.Entry<ConfigKind, JsonNode>> stored = new ArrayList<>();
        for (final JsonNode group : groups) {
            for (ConfigKind kind : ConfigKind.values()) {
                final JsonNode list = group == null || !group.isObject() ? null : group.get(kind.storeName());
                if (list != null && list.isArray()) {
                    list.forEach(node -> stored.add(Map.entry(kind, node)));
                }
            }
        }
        final Object[] objects = stored.parallelStream().map(entry -> {
            try {
                return decode(entry.getKey(), entry.getValue(), "");
            } catch (RuntimeException e) {
                return null;
            }
        }).toArray();
        for (int i = 0; i < objects.length; i++) {
            if (objects[i] != null) {
                b.decoded.put(stored.get(i).getValue(), objects[i]);
            }
        }
    }

    /** Adds every object of {@code groups} ({@code kind → [object]}) to the builder, replacing same-id ones. */
    void decodeInto(JsonNode groups, Builder b, String where) {
        if (groups == null || groups.isNull()) {
            return;
        }
        if (!groups.isObject()) {
            throw new StoreFormatError(where + ": expected an object of object lists");
        }
        for (ConfigKind kind : ConfigKind.values()) {
            final JsonNode list = groups.get(kind.storeName());
            if (list == null || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                throw new StoreFormatError(where + "." + kind.storeName() + ": expected a list");
            }
            for (int i = 0; i < list.size(); i++) {
                final Object ahead = b.decoded.remove(list.get(i));
                final Object object = ahead != null ? ahead
                        : decode(kind, list.get(i), where + "." + kind.storeName() + "[" + i + "]");
                b.of(kind).put(kind.idOf(object), object);
            }
        }
    }

    /**
     * Reads back the objects a journal record puts, as a start would.
     *
     * @throws IllegalArgumentException naming the object and the reason when one could not be loaded again
     */
    void verifyChanges(JsonNode record) {
        try {
            decodeInto(record.get("put"), new Builder(), "put");
        } catch (StoreFormatError e) {
            throw new IllegalArgumentException("refusing to commit an object the store could not load again: "
                    + e.getMessage(), e);
        }
    }

    /** Removes the ids listed in {@code groups} ({@code kind → [id]}). */
    void deleteFrom(JsonNode groups, Builder b, String where) {
        if (groups == null || groups.isNull()) {
            return;
        }
        if (!groups.isObject()) {
            throw new StoreFormatError(where + ": expected an object of id lists");
        }
        for (ConfigKind kind : ConfigKind.values()) {
            final JsonNode list = groups.get(kind.storeName());
            if (list == null || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                throw new StoreFormatError(where + "." + kind.storeName() + ": expected a list of ids");
            }
            for (final JsonNode id : list) {
                if (!id.isTextual()) {
                    throw new StoreFormatError(where + "." + kind.storeName() + ": id " + id + " is not a string");
                }
                b.of(kind).remove(id.textValue());
            }
        }
    }

    // ---- one object (a key of a distributed store) -------------------------------------------------------------

    /** One object as its group in the state file holds it; a load balancer's zone name is read from {@code s}. */
    ObjectNode encode(ConfigKind kind, Object object, ConfigSnapshot s) {
        return switch (kind) {
            case ACCOUNT -> account((Account) object);
            case ZONE -> zone((Zone) object);
            case MONITOR -> monitor((Monitor) object);
            case POOL -> pool((Pool) object);
            case LOAD_BALANCER -> loadBalancer((LoadBalancer) object, s);
            case MONITOR_GROUP -> monitorGroup((MonitorGroup) object);
        };
    }

    /**
     * One object of {@code kind}, validated as a start validates it.
     *
     * @throws StoreFormatError naming {@code where} and the reason
     */
    Object decode(ConfigKind kind, JsonNode node, String where) {
        try {
            return switch (kind) {
                case ACCOUNT -> decodeAccount(node, where);
                case ZONE -> decodeZone(node, where);
                case MONITOR -> json.restoreMonitor(node);
                case POOL -> json.restorePool(node);
                case LOAD_BALANCER -> json.restoreLoadBalancer(node);
                case MONITOR_GROUP -> json.restoreMonitorGroup(node);
            };
        } catch (ConfigException e) {
            throw new StoreFormatError(where + ": " + e.getMessage());
        }
    }

    // ---- per kind ----------------------------------------------------------------------------------------------

    private ObjectNode account(Account a) {
        final ObjectNode o = NODES.objectNode();
        o.put("id", a.id());
        o.put("name", a.name());
        time(o, "created_on", a.createdOn());
        return o;
    }

    private Account decodeAccount(JsonNode n, String at) {
        return new Account(id(n, "id", at), nullableText(n, "name", at), time(n, "created_on", at));
    }

    private ObjectNode zone(Zone z) {
        final ObjectNode o = NODES.objectNode();
        o.put("id", z.id());
        o.put("name", z.name());
        o.put("account_id", z.accountId());
        time(o, "created_on", z.createdOn());
        time(o, "modified_on", z.modifiedOn());
        return o;
    }

    private Zone decodeZone(JsonNode n, String at) {
        return new Zone(id(n, "id", at), text(n, "name", at), nullableText(n, "account_id", at),
                time(n, "created_on", at), time(n, "modified_on", at));
    }

    private ObjectNode monitor(Monitor m) {
        return json.write(m).put("account_id", m.accountId());
    }

    private ObjectNode monitorGroup(MonitorGroup g) {
        return json.write(g).put("account_id", g.accountId());
    }

    private ObjectNode pool(Pool p) {
        return json.write(p).put("account_id", p.accountId());
    }

    private ObjectNode loadBalancer(LoadBalancer lb, ConfigSnapshot s) {
        final Zone zone = s.zones().get(lb.zoneId());
        return json.write(lb, zone == null ? null : zone.name()).put("zone_id", lb.zoneId());
    }

    private static void time(ObjectNode o, String field, Instant t) {
        if (t == null) {
            o.putNull(field);
        } else {
            o.put(field, ConfigJson.timestamp(t));
        }
    }

    private static String id(JsonNode n, String field, String at) {
        final String id = text(n, field, at);
        if (!Ids.isValid(id)) {
            throw new StoreFormatError(at + "." + field + ": \"" + id + "\" is not a 32-hex id");
        }
        return id;
    }

    private static String text(JsonNode n, String field, String at) {
        final String s = nullableText(n, field, at);
        if (s == null) {
            throw new StoreFormatError(at + "." + field + ": missing");
        }
        return s;
    }

    private static String nullableText(JsonNode n, String field, String at) {
        if (!n.isObject()) {
            throw new StoreFormatError(at + ": expected an object");
        }
        final JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new StoreFormatError(at + "." + field + ": expected a string");
        }
        return v.textValue();
    }

    private static Instant time(JsonNode n, String field, String at) {
        final String s = nullableText(n, field, at);
        if (s == null) {
            return null;
        }
        final Instant t = ConfigJson.parseTimestamp(s);
        if (t == null) {
            throw new StoreFormatError(at + "." + field + ": \"" + s + "\" is not an RFC 3339 timestamp");
        }
        return t;
    }

    /** A structural problem in a store file; the caller adds the file name. */
    static final class StoreFormatError extends RuntimeException {
        StoreFormatError(String message) {
            super(message, null, false, false);
        }
    }
}
