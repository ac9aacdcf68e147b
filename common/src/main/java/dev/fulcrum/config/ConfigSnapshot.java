package dev.fulcrum.config;

import java.util.Map;

/**
 * One committed, immutable state of the whole configuration. Every map is keyed by object id (32 lowercase hex)
 * and unmodifiable. A new snapshot is produced by each committed write; {@code revision} grows by one per write.
 */
public record ConfigSnapshot(long revision, Map<String, Account> accounts, Map<String, Zone> zones,
                             Map<String, Monitor> monitors, Map<String, Pool> pools,
                             Map<String, LoadBalancer> loadBalancers) {

    public static final ConfigSnapshot EMPTY =
            new ConfigSnapshot(0, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    public ConfigSnapshot {
        accounts = Map.copyOf(accounts);
        zones = Map.copyOf(zones);
        monitors = Map.copyOf(monitors);
        pools = Map.copyOf(pools);
        loadBalancers = Map.copyOf(loadBalancers);
    }
}
