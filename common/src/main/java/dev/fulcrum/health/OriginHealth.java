package dev.fulcrum.health;

/**
 * What the monitors last concluded about one origin of one pool.
 *
 * @param healthy       true only after the monitor's consecutive_up threshold passed
 * @param rttMillis     average probe round-trip time in milliseconds, or NaN when unknown
 * @param failureReason Cloudflare's failure string (spec §3.1), {@code "No failures"} when healthy
 * @param responseCode  last HTTP status seen, 0 when none
 */
public record OriginHealth(boolean healthy, double rttMillis, String failureReason, int responseCode) {
}
