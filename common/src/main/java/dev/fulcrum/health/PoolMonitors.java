package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitors that probe a pool's origins, each with its {@link MemberRole}: the pool's {@code monitor} alone, or
 * the enabled members of its {@code monitor_group}. A pool that names both gets the group's members plus its own
 * monitor as one more voting member [G], unless the group already lists that monitor (then the group's settings
 * apply): both fields the operator set take effect.
 *
 * @param grouped true when a monitor group decides: every enabled origin then gets a verdict from the members'
 *                results by {@link MemberQuorum}, even with no deciding member at all
 */
record PoolMonitors(boolean grouped, List<Member> members) {

    private static final Logger LOG = LoggerFactory.getLogger(PoolMonitors.class);

    /** Nothing probes the pool (absent, disabled, unmonitored, or naming objects that do not exist). */
    static final PoolMonitors NONE = new PoolMonitors(false, List.of());

    record Member(Monitor monitor, MemberRole role) {
    }

    PoolMonitors {
        members = List.copyOf(members);
    }

    static PoolMonitors of(Pool pool, ConfigSnapshot config) {
        if (pool == null || !pool.enabled() || !pool.monitored()) {
            return NONE;
        }
        if (pool.monitorGroup() == null) {
            final Monitor monitor = monitor(pool, pool.monitor(), config);
            return monitor == null ? NONE
                    : new PoolMonitors(false, List.of(new Member(monitor, MemberRole.plain(monitor.id()))));
        }
        final MonitorGroup group = config.monitorGroups().get(pool.monitorGroup());
        if (group == null) {
            LOG.warn("pool " + pool.name() + " (" + pool.id() + ") names monitor group " + pool.monitorGroup()
                    + ", which does not exist: not checked");
            return NONE;
        }
        final List<Member> members = new ArrayList<>();
        for (final MonitorGroup.Member m : group.members()) {
            final Monitor monitor = m.enabled() ? monitor(pool, m.monitorId(), config) : null;
            if (monitor != null) {
                members.add(new Member(monitor, new MemberRole(m.monitorId(), m.monitoringOnly(),
                        m.mustBeHealthy())));
            }
        }
        if (pool.monitor() != null && group.member(pool.monitor()) == null) {
            final Monitor own = monitor(pool, pool.monitor(), config);
            if (own != null) {
                members.add(new Member(own, MemberRole.plain(own.id())));
            }
        }
        return new PoolMonitors(true, members);
    }

    private static Monitor monitor(Pool pool, String id, ConfigSnapshot config) {
        final Monitor monitor = config.monitors().get(id);
        if (monitor == null) {
            LOG.warn("pool " + pool.name() + " (" + pool.id() + ") names monitor " + id
                    + ", which does not exist: not checked");
        }
        return monitor;
    }
}
