package dev.fulcrum.config;

import java.time.Instant;
import java.util.List;

/**
 * A monitor group, account-scoped (spec, second wave): several monitors whose results, combined, decide an origin's
 * health in the pools that name the group ({@code monitor_group}).
 *
 * @param members in the order the client gave them; each monitor at most once
 */
public record MonitorGroup(String id, String accountId, Instant createdOn, Instant modifiedOn, String description,
                           List<Member> members) {

    public MonitorGroup {
        members = List.copyOf(members);
    }

    /**
     * One monitor of a group.
     *
     * @param enabled        false: the monitor sends no probe for this group and has no say
     * @param monitoringOnly probes and reports, never decides an origin's health
     * @param mustBeHealthy  a failure of this monitor makes the origin unhealthy whatever the others say
     * @param createdAt      when the monitor joined the group
     * @param updatedAt      when its settings in the group last changed
     */
    public record Member(String monitorId, boolean enabled, boolean monitoringOnly, boolean mustBeHealthy,
                         Instant createdAt, Instant updatedAt) {

        /** Has a say in the origin's health: enabled and not monitoring only. */
        public boolean decides() {
            return enabled && !monitoringOnly;
        }
    }

    /** The member naming {@code monitorId}, or null. */
    public Member member(String monitorId) {
        for (Member m : members) {
            if (m.monitorId().equals(monitorId)) {
                return m;
            }
        }
        return null;
    }
}
