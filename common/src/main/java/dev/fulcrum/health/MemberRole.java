package dev.fulcrum.health;

/**
 * What one monitor's verdict on an origin counts for in its pool: a pool's own monitor decides alone; a member of a
 * monitor group votes, vetoes ({@code must_be_healthy}) or only reports ({@code monitoring_only}).
 */
record MemberRole(String monitorId, boolean monitoringOnly, boolean mustBeHealthy) {

    /** The pool's own monitor: a plain vote (alone, it decides). */
    static MemberRole plain(String monitorId) {
        return new MemberRole(monitorId, false, false);
    }

    /** Has a say: every member but a monitoring-only one (monitoring only wins over must be healthy [G]). */
    boolean decides() {
        return !monitoringOnly;
    }

    /** Its failure alone makes the origin unhealthy. */
    boolean vetoes() {
        return mustBeHealthy && !monitoringOnly;
    }
}
