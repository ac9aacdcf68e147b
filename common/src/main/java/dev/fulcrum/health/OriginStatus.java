package dev.fulcrum.health;

import java.util.Locale;

/**
 * One origin's line in a pool health or preview result (spec §7.1): the API maps it to
 * {@code {"<address>":{healthy, rtt, failure_reason, response_code}}}.
 *
 * @param rttMillis     average probe round-trip time, NaN when unknown
 * @param failureReason Cloudflare's text of the last check, null when there is no verdict yet
 * @param responseCode  last HTTP status (SMTP reply code for smtp), 0 when none
 */
public record OriginStatus(String name, String address, int port, OriginState state, double rttMillis,
                           String failureReason, int responseCode) {

    public boolean healthy() {
        return state == OriginState.HEALTHY;
    }

    /** The round-trip time as Cloudflare prints it, e.g. {@code "12.1ms"}; null when unknown. */
    public String rtt() {
        return Double.isNaN(rttMillis) ? null : String.format(Locale.ROOT, "%.1fms", rttMillis);
    }

    static OriginStatus of(String name, String address, int port, OriginHealth health) {
        if (health == null) {
            return new OriginStatus(name, address, port, OriginState.UNKNOWN, Double.NaN, null, 0);
        }
        return new OriginStatus(name, address, port, health.healthy() ? OriginState.HEALTHY : OriginState.UNHEALTHY,
                health.rttMillis(), health.failureReason(), health.responseCode());
    }
}
