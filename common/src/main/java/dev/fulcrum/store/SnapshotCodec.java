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
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;
import dev.fulcrum.config.json.ConfigJson;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The persisted form of the configuration: each object as the API writes it plus its owner id
 * ({@code account_id} / {@code zone_id}), grouped by kind. Used both for the full state file and for the changes a
 * journal record carries, so both read back through the same validating codec.
 */
final class SnapshotCodec {

    static final String ACCOUNTS = ConfigKind.ACCOUNT.storeName();
    static final String ZONES = ConfigKind.ZONE.storeName();
    static final String MONITORS = ConfigKind.MONITOR.storeName();
    static final String POOLS = ConfigKind.POOL.storeName();
    static final String LOAD_BALANCERS = ConfigKind.LOAD_BALANCER.storeName();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ConfigJson json = new ConfigJson();

    /** Mutable maps, by kind, used while a snapshot is being rebuilt from disk. */
    static final class Builder {
        final Map<String, Account> accounts = new HashMap<>();
        final Map<String, Zone> zones = new HashMap<>();
        final Map<String, Monitor> monitors = new HashMap<>();
        final Map<String, Pool> pools = new HashMap<>();
        final Map<String, LoadBalancer> loadBalancers = new HashMap<>();

        static Builder of(ConfigSnapshot s) {
            final Builder b = new Builder();
            b.accounts.putAll(s.accounts());
            b.zones.putAll(s.zones());
            b.monitors.putAll(s.monitors());
            b.pools.putAll(s.pools());
            b.loadBalancers.putAll(s.loadBalancers());
            return b;
        }

        ConfigSnapshot build(long revision) {
            return new ConfigSnapshot(revision, accounts, zones, monitors, pools, loadBalancers);
        }
    }

    // ---- whole snapshot ----------------------------------------------------------------------------------------

    /** Every object of the snapshot, grouped by kind, ordered by id so the file is stable. */
    ObjectNode encodeAll(ConfigSnapshot s) {
        final ObjectNode out = NODES.objectNode();
        out.set(ACCOUNTS, encodeEach(s.accounts(), this::account));
        out.set(ZONES, encodeEach(s.zones(), this::zone));
        out.set(MONITORS, encodeEach(s.monitors(), this::monitor));
        out.set(POOLS, encodeEach(s.pools(), this::pool));
        out.set(LOAD_BALANCERS, encodeEach(s.loadBalancers(), lb -> loadBalancer(lb, s)));
        return out;
    }

    private static <T> ArrayNode encodeEach(Map<String, T> objects, Function<T, ObjectNode> encode) {
        final ArrayNode out = NODES.arrayNode(objects.size());
        objects.keySet().stream().sorted().forEach(id -> out.add(encode.apply(objects.get(id))));
        return out;
    }

    /**
     * What a commit changed, as a journal record: {@code put} holds the added or replaced objects as they are in
     * the change's next snapshot, {@code delete} the ids removed, both grouped by kind. Visits only the changed ids.
     */
    ObjectNode encodeChange(ConfigChange change) {
        final ConfigSnapshot next = change.next();
        final ObjectNode put = NODES.objectNode();
        final ObjectNode delete = NODES.objectNode();
        changes(ConfigKind.ACCOUNT, change, next.accounts(), this::account, put, delete);
        changes(ConfigKind.ZONE, change, next.zones(), this::zone, put, delete);
        changes(ConfigKind.MONITOR, change, next.monitors(), this::monitor, put, delete);
        changes(ConfigKind.POOL, change, next.pools(), this::pool, put, delete);
        // An LB's zone_name is derived from its zone and ignored on restore, so a zone rename needs no LB rewrite.
        changes(ConfigKind.LOAD_BALANCER, change, next.loadBalancers(), lb -> loadBalancer(lb, next), put, delete);
        final ObjectNode out = NODES.objectNode();
        out.set("put", put);
        out.set("delete", delete);
        return out;
    }

    private static <T> void changes(ConfigKind kind, ConfigChange change, Map<String, T> after,
                                    Function<T, ObjectNode> encode, ObjectNode put, ObjectNode delete) {
        for (final String id : change.ids(kind)) {
            final T object = after.get(id);
            if (object != null) {
                (put.has(kind.storeName()) ? (ArrayNode) put.get(kind.storeName()) : put.putArray(kind.storeName()))
                        .add(encode.apply(object));
            } else {
                (delete.has(kind.storeName()) ? (ArrayNode) delete.get(kind.storeName())
                        : delete.putArray(kind.storeName())).add(id);
            }
        }
    }

    // ---- decoding ----------------------------------------------------------------------------------------------

    /** Adds every object of {@code groups} ({@code kind → [object]}) to the builder, replacing same-id ones. */
    void decodeInto(JsonNode groups, Builder b, String where) {
        if (groups == null || groups.isNull()) {
            return;
        }
        if (!groups.isObject()) {
            throw new StoreFormatError(where + ": expected an object of object lists");
        }
        decodeKind(groups, ACCOUNTS, b.accounts, this::decodeAccount, Account::id, where);
        decodeKind(groups, ZONES, b.zones, this::decodeZone, Zone::id, where);
        decodeKind(groups, MONITORS, b.monitors, (n, w) -> json.restoreMonitor(n), Monitor::id, where);
        decodeKind(groups, POOLS, b.pools, (n, w) -> json.restorePool(n), Pool::id, where);
        decodeKind(groups, LOAD_BALANCERS, b.loadBalancers, (n, w) -> json.restoreLoadBalancer(n),
                LoadBalancer::id, where);
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
        deleteKind(groups, ACCOUNTS, b.accounts, where);
        deleteKind(groups, ZONES, b.zones, where);
        deleteKind(groups, MONITORS, b.monitors, where);
        deleteKind(groups, POOLS, b.pools, where);
        deleteKind(groups, LOAD_BALANCERS, b.loadBalancers, where);
    }

    private static <T> void decodeKind(JsonNode groups, String kind, Map<String, T> into,
                                       BiFunction<JsonNode, String, T> decode, Function<T, String> id,
                                       String where) {
        final JsonNode list = groups.get(kind);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw new StoreFormatError(where + "." + kind + ": expected a list");
        }
        for (int i = 0; i < list.size(); i++) {
            final String at = where + "." + kind + "[" + i + "]";
            final T object;
            try {
                object = decode.apply(list.get(i), at);
            } catch (ConfigException e) {
                throw new StoreFormatError(at + ": " + e.getMessage());
            }
            into.put(id.apply(object), object);
        }
    }

    private static void deleteKind(JsonNode groups, String kind, Map<String, ?> from, String where) {
        final JsonNode list = groups.get(kind);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw new StoreFormatError(where + "." + kind + ": expected a list of ids");
        }
        for (final JsonNode id : list) {
            if (!id.isTextual()) {
                throw new StoreFormatError(where + "." + kind + ": id " + id + " is not a string");
            }
            from.remove(id.textValue());
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
