package dev.fulcrum.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Puts and deletes of configuration objects, to be applied to a snapshot in one commit
 * ({@link ConfigSnapshot#apply}). What any store turns a write into: the API's mutations return one, the file store
 * replays its journal records as one, a watch on a distributed store turns its events into one.
 *
 * <p>Per id the last call wins: a put after a delete of the same id puts, a delete after a put deletes. Applying
 * an edit costs in proportion to its size, never to the size of the snapshot.
 *
 * <p>Not thread-safe; build it on one thread, then hand it over.
 */
public final class ConfigEdit {

    /** Kind → id → the object to store, or null to delete it (LinkedHashMap keeps nulls and call order). */
    private final Map<ConfigKind, Map<String, Object>> ops = new EnumMap<>(ConfigKind.class);

    /** An empty edit. */
    public ConfigEdit() {
    }

    /** An edit that stores {@code object} (an Account, Zone, Monitor, MonitorGroup, Pool or LoadBalancer). */
    public static ConfigEdit putting(Object object) {
        return new ConfigEdit().put(object);
    }

    /** An edit that deletes the object {@code id} of {@code kind}. */
    public static ConfigEdit deleting(ConfigKind kind, String id) {
        return new ConfigEdit().delete(kind, id);
    }

    /**
     * The edit that turns {@code from} into {@code to}: a put for every object that is new or different, a delete
     * for every id that is gone. Compares whole snapshots, so it costs in proportion to their size: for callers
     * that only have the two snapshots (a whole-snapshot mutation, a test).
     *
     * @throws IllegalArgumentException when {@code to} keeps an object under another object's id
     */
    public static ConfigEdit between(ConfigSnapshot from, ConfigSnapshot to) {
        final ConfigEdit edit = new ConfigEdit();
        for (ConfigKind kind : ConfigKind.values()) {
            final Map<String, ?> before = from.objects(kind);
            final Map<String, ?> after = to.objects(kind);
            if (before == after) {
                continue;
            }
            after.forEach((id, object) -> {
                final Object old = before.get(id);
                if (old != object && !object.equals(old)) {
                    if (!id.equals(kind.idOf(object))) {
                        throw new IllegalArgumentException(kind.storeName() + ": key " + id
                                + " holds the object with id " + kind.idOf(object));
                    }
                    edit.add(kind, id, object);
                }
            });
            for (String id : before.keySet()) {
                if (!after.containsKey(id)) {
                    edit.add(kind, id, null);
                }
            }
        }
        return edit;
    }

    /** Stores {@code object} (an Account, Zone, Monitor, MonitorGroup, Pool or LoadBalancer), replacing the one with its id. */
    public ConfigEdit put(Object object) {
        Objects.requireNonNull(object, "object");
        final ConfigKind kind = ConfigKind.of(object);
        return add(kind, Objects.requireNonNull(kind.idOf(object), "id"), object);
    }

    /** Stores every object of {@code objects}. */
    public ConfigEdit putAll(Iterable<?> objects) {
        objects.forEach(this::put);
        return this;
    }

    /** Deletes the object {@code id} of {@code kind}; deleting an id that is not stored changes nothing. */
    public ConfigEdit delete(ConfigKind kind, String id) {
        return add(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(id, "id"), null);
    }

    /** True when the edit holds no put and no delete. */
    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** The number of ids this edit puts or deletes. */
    public int size() {
        int size = 0;
        for (Map<String, Object> byId : ops.values()) {
            size += byId.size();
        }
        return size;
    }

    /** Calls {@code action} with each id of {@code kind} and its new object, or null for a delete, in call order. */
    public void forEach(ConfigKind kind, BiConsumer<String, Object> action) {
        ops.getOrDefault(kind, Collections.emptyMap()).forEach(action);
    }

    private ConfigEdit add(ConfigKind kind, String id, Object objectOrNull) {
        final Map<String, Object> byId = ops.computeIfAbsent(kind, k -> new LinkedHashMap<>());
        // Remove first so that the id moves to the end: call order is the order of the last call per id.
        byId.remove(id);
        byId.put(id, objectOrNull);
        return this;
    }

    @Override
    public String toString() {
        final StringBuilder out = new StringBuilder("ConfigEdit[");
        ops.forEach((kind, byId) -> byId.forEach((id, object) -> out.append(object == null ? " -" : " +")
                .append(kind.storeName()).append('/').append(id)));
        return out.append(" ]").toString();
    }
}
