package dev.fulcrum.health;

import dev.fulcrum.config.Pool;

import java.util.List;

/**
 * Where {@code pop_health} comes from (spec §7.1, and "health across vantage points"): one {@link PoolHealth} per
 * data center that checks the pool. A single node is its one data center ({@link #local}); a cluster lists every
 * live node.
 */
public interface PopHealthSource {

    /** One entry per data center, each as that data center sees {@code pool} (a pool with a monitor). */
    List<PoolHealth> popHealth(Pool pool);

    /** This node alone, named by its health settings' PoP name. */
    static PopHealthSource local(HealthMonitor monitor) {
        return pool -> List.of(PoolHealth.of(pool, monitor.snapshot(), monitor.settings().popName()));
    }
}
