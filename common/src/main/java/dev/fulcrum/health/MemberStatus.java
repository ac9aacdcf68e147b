package dev.fulcrum.health;

/**
 * One monitor group member's last result on one origin, for pool health: the member's monitor and flags, and its
 * result as an {@link OriginStatus} (UNKNOWN while it has none).
 */
public record MemberStatus(String monitorId, boolean monitoringOnly, boolean mustBeHealthy, OriginStatus result) {
}
