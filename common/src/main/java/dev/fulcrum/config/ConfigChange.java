package dev.fulcrum.config;

import org.pcollections.TreePMap;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one commit changed: the snapshot before, the snapshot after, and per kind the ids whose object was added,
 * replaced or removed (look the id up in {@link #previous()} and {@link #next()} to tell which). Consumers update
 * what they derived from the configuration from these ids only, so a change costs them in proportion to its size.
 *
 * <p>Immutable. The id sets are sorted and unmodifiable; an id is listed only when its object really differs.
 */
public final class ConfigChange {

    private final ConfigSnapshot previous;
    private final ConfigSnapshot next;
    private final Map<ConfigKind, Set<String>> ids;

    ConfigChange(ConfigSnapshot previous, ConfigSnapshot next, Map<ConfigKind, NavigableSet<String>> changed) {
        this.previous = Objects.requireNonNull(previous, "previous");
        this.next = Objects.requireNonNull(next, "next");
        final Map<ConfigKind, Set<String>> sets = new EnumMap<>(ConfigKind.class);
        changed.forEach((kind, set) -> {
            if (!set.isEmpty()) {
                sets.put(kind, Collections.unmodifiableNavigableSet(set));
            }
        });
        this.ids = sets;
    }

    /**
     * The change from {@code previous} to {@code next}, found by comparing them whole: for a consumer that has
     * only the two snapshots (its first snapshot, or one it missed), at a cost in proportion to their size.
     */
    public static ConfigChange between(ConfigSnapshot previous, ConfigSnapshot next) {
        final Map<ConfigKind, NavigableSet<String>> changed = new EnumMap<>(ConfigKind.class);
        final ConfigEdit edit = ConfigEdit.between(previous, next);
        for (ConfigKind kind : ConfigKind.values()) {
            edit.forEach(kind, (id, object) -> changed.computeIfAbsent(kind, k -> new TreeSet<>()).add(id));
        }
        return new ConfigChange(previous, next, changed);
    }

    /** No change: {@code snapshot} before and after (what a commit that changes nothing returns). */
    public static ConfigChange none(ConfigSnapshot snapshot) {
        return new ConfigChange(snapshot, snapshot, Map.of());
    }

    /**
     * The change that brings a consumer that has seen nothing yet to {@code next}: every object is new. Its id sets
     * are the snapshot's own (persistent, sorted) key sets, not copies: every listener of a store gets one at start,
     * and comparing a large snapshot with the empty one, once per listener, was a twentieth of a start.
     */
    public static ConfigChange initial(ConfigSnapshot next) {
        final Map<ConfigKind, NavigableSet<String>> ids = new EnumMap<>(ConfigKind.class);
        for (ConfigKind kind : ConfigKind.values()) {
            ids.put(kind, ((TreePMap<String, ?>) next.objects(kind)).navigableKeySet());
        }
        return new ConfigChange(ConfigSnapshot.EMPTY, next, ids);
    }

    /**
     * This change as seen by a consumer whose last snapshot is {@code seen}: this very change when it starts there
     * (the usual case), else the whole comparison of {@code seen} with {@link #next()} (a consumer that missed a
     * change, or one that starts late), so a consumer never applies a change to a snapshot it does not hold.
     */
    public ConfigChange since(ConfigSnapshot seen) {
        return seen == previous ? this : between(seen, next);
    }

    public ConfigSnapshot previous() {
        return previous;
    }

    public ConfigSnapshot next() {
        return next;
    }

    /** The ids of {@code kind} whose object was added, replaced or removed, sorted; empty when none. */
    public Set<String> ids(ConfigKind kind) {
        return ids.getOrDefault(kind, Set.of());
    }

    public Set<String> accounts() {
        return ids(ConfigKind.ACCOUNT);
    }

    public Set<String> zones() {
        return ids(ConfigKind.ZONE);
    }

    public Set<String> monitors() {
        return ids(ConfigKind.MONITOR);
    }

    public Set<String> pools() {
        return ids(ConfigKind.POOL);
    }

    public Set<String> loadBalancers() {
        return ids(ConfigKind.LOAD_BALANCER);
    }

    public Set<String> monitorGroups() {
        return ids(ConfigKind.MONITOR_GROUP);
    }

    /** True when nothing changed (then {@link #next()} holds the same objects as {@link #previous()}). */
    public boolean isEmpty() {
        return ids.isEmpty();
    }

    /** How many ids changed, all kinds together. */
    public int size() {
        int size = 0;
        for (Set<String> set : ids.values()) {
            size += set.size();
        }
        return size;
    }

    @Override
    public String toString() {
        return "ConfigChange[" + previous.revision() + " -> " + next.revision() + ", " + ids + ']';
    }
}
