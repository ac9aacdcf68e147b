package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;

/**
 * How one (monitor, pool, origin) pair is checked. Equal plans mean an unchanged pair: a configuration change keeps
 * its state machine and timer (labels such as names and descriptions are not part of the plan).
 */
record CheckPlan(ProbeTarget target, long intervalMillis, int consecutiveUp, int consecutiveDown) {

    private static final int DEFAULT_INTERVAL_SECONDS = 60;

    static CheckPlan of(Monitor monitor, String poolId, Origin origin) {
        final int interval = monitor.interval() > 0 ? monitor.interval() : DEFAULT_INTERVAL_SECONDS;
        return new CheckPlan(ProbeTarget.of(monitor, poolId, origin), interval * 1000L, monitor.consecutiveUp(),
                monitor.consecutiveDown());
    }
}
