package dev.fulcrum.config;

import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

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
}
