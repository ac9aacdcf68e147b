package dev.fulcrum.config;

import org.pcollections.TreePMap;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One committed, immutable state of the whole configuration. Every map is keyed by object id (32 lowercase hex),
 * unmodifiable and iterates in id order. A new snapshot is produced by each committed write; {@code revision} grows
 * with every write.
 *
 * <p>The maps are persistent ({@code pcollections}' {@link TreePMap}): {@link #apply} makes the next snapshot by
 * replacing only the paths to the objects an edit touches, sharing everything else with this one, so a commit costs
 * O(edit × log n) whatever the size of the configuration. The canonical constructor accepts any map and copies
 * those that are not already persistent (a cost in proportion to their size, for tests and the loading of a store).
 */
public record ConfigSnapshot(long revision, Map<String, Account> accounts, Map<String, Zone> zones,
                             Map<String, Monitor> monitors, Map<String, Pool> pools,
                             Map<String, LoadBalancer> loadBalancers, Map<String, MonitorGroup> monitorGroups) {

    /** The order of every map: ids in natural (String) order. */
    private static final Comparator<? super String> ID_ORDER = TreePMap.<String, Object>empty().comparator();

    public static final ConfigSnapshot EMPTY =
            new ConfigSnapshot(0, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    /** A snapshot without monitor groups (the kinds of the first wave). */
    public ConfigSnapshot(long revision, Map<String, Account> accounts, Map<String, Zone> zones,
                          Map<String, Monitor> monitors, Map<String, Pool> pools,
                          Map<String, LoadBalancer> loadBalancers) {
        this(revision, accounts, zones, monitors, pools, loadBalancers, Map.of());
    }

    public ConfigSnapshot {
        accounts = persistent(accounts);
        zones = persistent(zones);
        monitors = persistent(monitors);
        pools = persistent(pools);
        loadBalancers = persistent(loadBalancers);
        monitorGroups = persistent(monitorGroups);
    }

    /**
     * A snapshot of the objects {@code objects} gives for each kind (keyed by id; null = none of that kind): how a
     * store that handles every kind alike builds one.
     *
     * @throws ClassCastException when a map holds an object of another kind
     */
    @SuppressWarnings("unchecked")
    public static ConfigSnapshot of(long revision, Function<ConfigKind, Map<String, ?>> objects) {
        final Map<ConfigKind, Map<String, ?>> byKind = new EnumMap<>(ConfigKind.class);
        for (ConfigKind kind : ConfigKind.values()) {
            final Map<String, ?> map = objects.apply(kind);
            final Map<String, ?> checked = map == null ? Map.of() : map;
            checked.values().forEach(kind::idOf);
            byKind.put(kind, checked);
        }
        return new ConfigSnapshot(revision, (Map<String, Account>) byKind.get(ConfigKind.ACCOUNT),
                (Map<String, Zone>) byKind.get(ConfigKind.ZONE), (Map<String, Monitor>) byKind.get(ConfigKind.MONITOR),
                (Map<String, Pool>) byKind.get(ConfigKind.POOL),
                (Map<String, LoadBalancer>) byKind.get(ConfigKind.LOAD_BALANCER),
                (Map<String, MonitorGroup>) byKind.get(ConfigKind.MONITOR_GROUP));
    }

    private static <V> TreePMap<String, V> persistent(Map<String, V> map) {
        if (map instanceof TreePMap<String, V> tree && tree.comparator() == ID_ORDER) {
            return tree;
        }
        for (Map.Entry<String, V> e : map.entrySet()) {
            // What Map.copyOf refused before the maps became persistent; stores rely on it.
            if (e.getKey() == null || e.getValue() == null) {
                throw new NullPointerException("a configuration map holds a null key or value");
            }
        }
        return TreePMap.from(map);
    }

    /** The objects of one kind, by id. */
    public Map<String, ?> objects(ConfigKind kind) {
        return switch (kind) {
            case ACCOUNT -> accounts;
            case ZONE -> zones;
            case MONITOR -> monitors;
            case POOL -> pools;
            case LOAD_BALANCER -> loadBalancers;
            case MONITOR_GROUP -> monitorGroups;
        };
    }

    /**
     * Applies {@code edit} and returns the change from this snapshot to the result, which carries
     * {@code revision}. Puts of objects equal to the stored ones and deletes of absent ids change nothing and are
     * left out of the change; when nothing changes at all the result is still a new snapshot with the new revision
     * (the caller decides whether an empty change is worth a commit).
     */
    public ConfigChange apply(ConfigEdit edit, long revision) {
        final Map<ConfigKind, NavigableSet<String>> changed = new EnumMap<>(ConfigKind.class);
        final ConfigSnapshot next = new ConfigSnapshot(revision,
                applyKind(ConfigKind.ACCOUNT, tree(accounts), edit, changed),
                applyKind(ConfigKind.ZONE, tree(zones), edit, changed),
                applyKind(ConfigKind.MONITOR, tree(monitors), edit, changed),
                applyKind(ConfigKind.POOL, tree(pools), edit, changed),
                applyKind(ConfigKind.LOAD_BALANCER, tree(loadBalancers), edit, changed),
                applyKind(ConfigKind.MONITOR_GROUP, tree(monitorGroups), edit, changed));
        return new ConfigChange(this, next, changed);
    }

    @SuppressWarnings("unchecked")
    private static <V> TreePMap<String, V> applyKind(ConfigKind kind, TreePMap<String, V> map, ConfigEdit edit,
                                                     Map<ConfigKind, NavigableSet<String>> changed) {
        final TreePMap<String, V>[] result = new TreePMap[] {map};
        edit.forEach(kind, (id, object) -> {
            final V old = result[0].get(id);
            if (object == null) {
                if (old != null) {
                    result[0] = result[0].minus(id);
                    changed.computeIfAbsent(kind, k -> new TreeSet<>()).add(id);
                }
            } else if (old != object && !object.equals(old)) {
                result[0] = result[0].plus(id, (V) object);
                changed.computeIfAbsent(kind, k -> new TreeSet<>()).add(id);
            }
        });
        return result[0];
    }

    private static <V> TreePMap<String, V> tree(Map<String, V> map) {
        // The compact constructor made every map a TreePMap.
        return (TreePMap<String, V>) map;
    }
}
