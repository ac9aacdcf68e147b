package dev.fulcrum.health;

import java.time.Instant;

/**
 * One origin health transition, as logged and kept in the bounded event list.
 *
 * @param failureReason Cloudflare's text of the check that caused it ({@code "No failures"} when it passed)
 * @param responseCode  that check's HTTP status (SMTP reply code for smtp), 0 when none
 */
public record HealthEvent(Instant time, String poolId, String poolName, String originName, String address, int port,
                          OriginState from, OriginState to, String failureReason, int responseCode) {

    /** The one log line for this event. */
    public String describe() {
        return "pool " + poolName + " (" + poolId + ") origin " + originName + " " + address + ':' + port + ' '
                + from + " -> " + to + ": " + failureReason + (responseCode != 0 ? " (" + responseCode + ')' : "");
    }
}
