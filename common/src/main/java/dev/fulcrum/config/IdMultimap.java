package dev.fulcrum.config;

import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Persistent key → set-of-ids maps, the shape of every index derived from a snapshot (pool → load balancers that
 * use it, name → ids): each call returns the map with one id added or removed, sharing the rest, and an empty set
 * leaves no key behind.
 */
public final class IdMultimap {

    private IdMultimap() {
    }

    /** {@code map} with {@code id} in the set under {@code key}. */
    public static TreePMap<String, TreePSet<String>> with(TreePMap<String, TreePSet<String>> map, String key,
                                                          String id) {
        final TreePSet<String> set = map.getOrDefault(key, TreePSet.empty());
        return set.contains(id) ? map : map.plus(key, set.plus(id));
    }

    /** {@code map} without {@code id} under {@code key}; the key goes when its set becomes empty. */
    public static TreePMap<String, TreePSet<String>> without(TreePMap<String, TreePSet<String>> map, String key,
                                                             String id) {
        final TreePSet<String> set = map.get(key);
        if (set == null || !set.contains(id)) {
            return map;
        }
        final TreePSet<String> rest = set.minus(id);
        return rest.isEmpty() ? map.minus(key) : map.plus(key, rest);
    }

    /**
     * A run of additions and removals on one map. From an empty map (the first change after a start, which adds the
     * whole stored configuration), the additions are collected in mutable sets and the persistent map is built once,
     * in one sorted pass: growing it one id at a time copies a path of the tree for each of tens of thousands of ids.
     * Otherwise each call is {@link IdMultimap#with} or {@link IdMultimap#without}. Not thread-safe; one per change.
     */
    public static final class Edit {

        private TreePMap<String, TreePSet<String>> map;
        /** The additions so far, while the run started from an empty map and removed nothing; else null. */
        private TreeMap<String, TreeSet<String>> collected;

        public Edit(TreePMap<String, TreePSet<String>> start) {
            this.map = start;
            this.collected = start.isEmpty() ? new TreeMap<>() : null;
        }

        public void with(String key, String id) {
            if (collected != null) {
                collected.computeIfAbsent(key, k -> new TreeSet<>()).add(id);
            } else {
                map = IdMultimap.with(map, key, id);
            }
        }

        public void without(String key, String id) {
            settle();
            map = IdMultimap.without(map, key, id);
        }

        /** The map after every call so far. */
        public TreePMap<String, TreePSet<String>> result() {
            settle();
            return map;
        }

        private void settle() {
            if (collected == null) {
                return;
            }
            if (!collected.isEmpty()) {
                final TreeMap<String, TreePSet<String>> sets = new TreeMap<>();
                collected.forEach((key, ids) -> sets.put(key, TreePSet.fromSortedSet(ids)));
                map = TreePMap.fromSortedMap(sets);
            }
            collected = null;
        }
    }
}
