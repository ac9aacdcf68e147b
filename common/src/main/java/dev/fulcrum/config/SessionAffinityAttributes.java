package dev.fulcrum.config;

import java.util.List;

/**
 * Session affinity attributes, spec §5.3.
 *
 * @param samesite             {@code Auto}, {@code Lax}, {@code None}, {@code Strict}
 * @param secure               {@code Auto}, {@code Always}, {@code Never}
 * @param drainDuration        seconds, 0–{@value #MAX_DRAIN_SECONDS}; refused outside that range, so no consumer checks
 *                             it again (the API's reader names the field first)
 * @param zeroDowntimeFailover {@code none}, {@code temporary}, {@code sticky}
 * @param headers              header names for {@code header} affinity (may be empty)
 */
public record SessionAffinityAttributes(String samesite, String secure, int drainDuration,
                                        String zeroDowntimeFailover, List<String> headers,
                                        boolean requireAllHeaders) {

    /** Longest {@code drain_duration} in seconds (spec §5.3). */
    public static final int MAX_DRAIN_SECONDS = 86_400;

    public static final SessionAffinityAttributes DEFAULT =
            new SessionAffinityAttributes("Auto", "Auto", 0, "none", List.of(), false);

    public SessionAffinityAttributes {
        if (drainDuration < 0 || drainDuration > MAX_DRAIN_SECONDS) {
            throw new IllegalArgumentException("session_affinity_attributes.drain_duration: " + drainDuration
                    + " (expected: 0-" + MAX_DRAIN_SECONDS + ")");
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }
}
