package dev.fulcrum.api;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.IdMultimap;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What the API looks up by something other than an id, for one snapshot: who references whom ({@link References}:
 * load balancers → pools, pools → monitor and monitor group, monitor groups → monitors), load balancers by zone, and the names that must be unique (load
 * balancers across all zones, case-insensitive; zones). Without it, a delete check, a uniqueness check or a search
 * scanned every object.
 *
 * <p>Persistent: {@link #apply} makes the index of a change's next snapshot from this one by visiting the ids the
 * change names only. Immutable; {@link Live} keeps the store's latest one.
 */
final class ConfigIndex {

    static final ConfigIndex EMPTY = new ConfigIndex(ConfigSnapshot.EMPTY, TreePMap.empty(), TreePMap.empty(),
            TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty());

    private final ConfigSnapshot config;
    /** Pool id → ids of the load balancers that name it anywhere (References.poolIds). */
    private final TreePMap<String, TreePSet<String>> lbsByPool;
    /** Monitor id → ids of the pools that use it. */
    private final TreePMap<String, TreePSet<String>> poolsByMonitor;
    /** Zone id → ids of its load balancers. */
    private final TreePMap<String, TreePSet<String>> lbsByZone;
    /** Lower-case load balancer name → ids (one, unless a store was written by hand). */
    private final TreePMap<String, TreePSet<String>> lbsByName;
    /** Zone name → ids. */
    private final TreePMap<String, TreePSet<String>> zonesByName;
    /** Monitor group id → ids of the pools that use it. */
    private final TreePMap<String, TreePSet<String>> poolsByGroup;
    /** Monitor id → ids of the monitor groups that list it. */
    private final TreePMap<String, TreePSet<String>> groupsByMonitor;

    private ConfigIndex(ConfigSnapshot config, TreePMap<String, TreePSet<String>> lbsByPool,
                        TreePMap<String, TreePSet<String>> poolsByMonitor,
                        TreePMap<String, TreePSet<String>> lbsByZone, TreePMap<String, TreePSet<String>> lbsByName,
                        TreePMap<String, TreePSet<String>> zonesByName,
                        TreePMap<String, TreePSet<String>> poolsByGroup,
                        TreePMap<String, TreePSet<String>> groupsByMonitor) {
        this.config = config;
        this.lbsByPool = lbsByPool;
        this.poolsByMonitor = poolsByMonitor;
        this.lbsByZone = lbsByZone;
        this.lbsByName = lbsByName;
        this.zonesByName = zonesByName;
        this.poolsByGroup = poolsByGroup;
        this.groupsByMonitor = groupsByMonitor;
    }

    /** The snapshot this index describes. */
    ConfigSnapshot config() {
        return config;
    }

    /** The index of {@code change.next()}; {@code change} must start at (or is compared whole with) this one's. */
    ConfigIndex apply(ConfigChange change) {
        final ConfigChange c = change.since(config);
        final IdMultimap.Edit byPool = new IdMultimap.Edit(lbsByPool);
        final IdMultimap.Edit byMonitor = new IdMultimap.Edit(poolsByMonitor);
        final IdMultimap.Edit byZone = new IdMultimap.Edit(lbsByZone);
        final IdMultimap.Edit byLbName = new IdMultimap.Edit(lbsByName);
        final IdMultimap.Edit byZoneName = new IdMultimap.Edit(zonesByName);
        final IdMultimap.Edit byGroup = new IdMultimap.Edit(poolsByGroup);
        final IdMultimap.Edit groupsByMon = new IdMultimap.Edit(groupsByMonitor);
        for (String id : c.loadBalancers()) {
            final LoadBalancer before = c.previous().loadBalancers().get(id);
            final LoadBalancer after = c.next().loadBalancers().get(id);
            if (before != null) {
                for (String poolId : References.poolIds(before)) {
                    byPool.without(poolId, id);
                }
                byZone.without(before.zoneId(), id);
                byLbName.without(lower(before.name()), id);
            }
            if (after != null) {
                for (String poolId : References.poolIds(after)) {
                    byPool.with(poolId, id);
                }
                byZone.with(after.zoneId(), id);
                byLbName.with(lower(after.name()), id);
            }
        }
        for (String id : c.pools()) {
            final Pool before = c.previous().pools().get(id);
            final Pool after = c.next().pools().get(id);
            if (before != null && before.monitor() != null) {
                byMonitor.without(before.monitor(), id);
            }
            if (after != null && after.monitor() != null) {
                byMonitor.with(after.monitor(), id);
            }
            if (before != null && before.monitorGroup() != null) {
                byGroup.without(before.monitorGroup(), id);
            }
            if (after != null && after.monitorGroup() != null) {
                byGroup.with(after.monitorGroup(), id);
            }
        }
        for (String id : c.monitorGroups()) {
            final MonitorGroup before = c.previous().monitorGroups().get(id);
            final MonitorGroup after = c.next().monitorGroups().get(id);
            if (before != null) {
                for (MonitorGroup.Member m : before.members()) {
                    groupsByMon.without(m.monitorId(), id);
                }
            }
            if (after != null) {
                for (MonitorGroup.Member m : after.members()) {
                    groupsByMon.with(m.monitorId(), id);
                }
            }
        }
        for (String id : c.zones()) {
            final Zone before = c.previous().zones().get(id);
            final Zone after = c.next().zones().get(id);
            if (before != null) {
                byZoneName.without(before.name(), id);
            }
            if (after != null) {
                byZoneName.with(after.name(), id);
            }
        }
        return new ConfigIndex(c.next(), byPool.result(), byMonitor.result(), byZone.result(), byLbName.result(),
                byZoneName.result(), byGroup.result(), groupsByMon.result());
    }

    /** Ids of the load balancers that name the pool, in id order. */
    Set<String> loadBalancersUsing(String poolId) {
        return lbsByPool.getOrDefault(poolId, TreePSet.empty());
    }

    /** Ids of the pools that use the monitor, in id order. */
    Set<String> poolsUsing(String monitorId) {
        return poolsByMonitor.getOrDefault(monitorId, TreePSet.empty());
    }

    /** Ids of the pools that use the monitor group, in id order. */
    Set<String> poolsUsingGroup(String groupId) {
        return poolsByGroup.getOrDefault(groupId, TreePSet.empty());
    }

    /** Ids of the monitor groups that list the monitor, in id order. */
    Set<String> groupsUsing(String monitorId) {
        return groupsByMonitor.getOrDefault(monitorId, TreePSet.empty());
    }

    /** Ids of everything that refers to the monitor: the pools that name it and the groups that list it. */
    Set<String> monitorReferrers(String monitorId) {
        return poolsByMonitor.getOrDefault(monitorId, TreePSet.empty())
                .plusAll(groupsByMonitor.getOrDefault(monitorId, TreePSet.empty()));
    }

    /** Ids of the zone's load balancers, in id order. */
    Set<String> loadBalancersIn(String zoneId) {
        return lbsByZone.getOrDefault(zoneId, TreePSet.empty());
    }

    /** Ids of the load balancers named {@code name}, case-insensitively. */
    Set<String> loadBalancersNamed(String name) {
        return lbsByName.getOrDefault(lower(name), TreePSet.empty());
    }

    /** Ids of the zones named {@code name} (zone names are stored lower case). */
    Set<String> zonesNamed(String name) {
        return zonesByName.getOrDefault(name, TreePSet.empty());
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * The index of the store's latest snapshot, kept by a change listener. A reader asks for the index of the
     * snapshot it holds ({@link #at}): a mutation runs on the store's latest snapshot, whose index the listener
     * made when it was committed; a reader that raced with a commit gets one made by comparison (rare, and
     * never stored).
     */
    static final class Live {

        private volatile ConfigIndex latest = EMPTY;

        void update(ConfigChange change) {
            latest = latest.apply(change);
        }

        /** The latest index (and with it, through {@link ConfigIndex#config()}, the snapshot to read). */
        ConfigIndex latest() {
            return latest;
        }

        ConfigIndex at(ConfigSnapshot snapshot) {
            final ConfigIndex index = latest;
            return index.config == snapshot ? index
                    : index.apply(ConfigChange.between(index.config, Objects.requireNonNull(snapshot, "snapshot")));
        }
    }

    /** Sorted objects for ids (skipping any not in the snapshot). */
    static <T> java.util.List<T> objects(Collection<String> ids, java.util.Map<String, T> byId,
                                         java.util.Comparator<? super T> order) {
        return ids.stream().map(byId::get).filter(Objects::nonNull).sorted(order).toList();
    }
}
