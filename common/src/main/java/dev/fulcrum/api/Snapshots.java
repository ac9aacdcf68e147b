package dev.fulcrum.api;

import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Pure functions from one snapshot to the next, used inside store mutations. Each call copies only the map it
 * changes; the revision grows by one, as {@link ConfigSnapshot} requires of a committed write.
 */
final class Snapshots {

    private Snapshots() {
    }

    static ConfigSnapshot withAccount(ConfigSnapshot s, Account account) {
        return new ConfigSnapshot(s.revision() + 1, put(s.accounts(), m -> m.put(account.id(), account)),
                s.zones(), s.monitors(), s.pools(), s.loadBalancers());
    }

    static ConfigSnapshot withZone(ConfigSnapshot s, Zone zone) {
        return new ConfigSnapshot(s.revision() + 1, s.accounts(), put(s.zones(), m -> m.put(zone.id(), zone)),
                s.monitors(), s.pools(), s.loadBalancers());
    }

    /** Removes a zone together with its load balancers: they cannot exist without it. */
    static ConfigSnapshot withoutZone(ConfigSnapshot s, String zoneId) {
        return new ConfigSnapshot(s.revision() + 1, s.accounts(), put(s.zones(), m -> m.remove(zoneId)),
                s.monitors(), s.pools(),
                put(s.loadBalancers(), m -> m.values().removeIf(lb -> lb.zoneId().equals(zoneId))));
    }

    static ConfigSnapshot withLoadBalancer(ConfigSnapshot s, LoadBalancer lb) {
        return new ConfigSnapshot(s.revision() + 1, s.accounts(), s.zones(), s.monitors(), s.pools(),
                put(s.loadBalancers(), m -> m.put(lb.id(), lb)));
    }

    static ConfigSnapshot withoutLoadBalancer(ConfigSnapshot s, String id) {
        return new ConfigSnapshot(s.revision() + 1, s.accounts(), s.zones(), s.monitors(), s.pools(),
                put(s.loadBalancers(), m -> m.remove(id)));
    }

    static ConfigSnapshot withPools(ConfigSnapshot s, Iterable<Pool> pools) {
        return new ConfigSnapshot(s.revision() + 1, s.accounts(), s.zones(), s.monitors(),
                put(s.pools(), m -> pools.forEach(p -> m.put(p.id(), p))), s.loadBalancers());
    }

    static ConfigSnapshot withoutPool(ConfigSnapshot s, String id) {
        return new ConfigSnapshot(s.revision() + 1, s.accounts(), s.zones(), s.monitors(),
                put(s.pools(), m -> m.remove(id)), s.loadBalancers());
    }

    static ConfigSnapshot withMonitor(ConfigSnapshot s, Monitor monitor) {
        return new ConfigSnapshot(s.revision() + 1, s.accounts(), s.zones(),
                put(s.monitors(), m -> m.put(monitor.id(), monitor)), s.pools(), s.loadBalancers());
    }

    static ConfigSnapshot withoutMonitor(ConfigSnapshot s, String id) {
        return new ConfigSnapshot(s.revision() + 1, s.accounts(), s.zones(), put(s.monitors(), m -> m.remove(id)),
                s.pools(), s.loadBalancers());
    }

    private static <V> Map<String, V> put(Map<String, V> map, Consumer<Map<String, V>> change) {
        final Map<String, V> copy = new HashMap<>(map);
        change.accept(copy);
        return copy;
    }
}
