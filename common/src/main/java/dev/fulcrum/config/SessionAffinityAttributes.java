package dev.fulcrum.config;

import java.util.List;

/**
 * Session affinity attributes, spec §5.3.
 *
 * @param samesite             {@code Auto}, {@code Lax}, {@code None}, {@code Strict}
 * @param secure               {@code Auto}, {@code Always}, {@code Never}
 * @param drainDuration        seconds, 0–86400
 * @param zeroDowntimeFailover {@code none}, {@code temporary}, {@code sticky}
 * @param headers              header names for {@code header} affinity (may be empty)
 */
public record SessionAffinityAttributes(String samesite, String secure, int drainDuration,
                                        String zeroDowntimeFailover, List<String> headers,
                                        boolean requireAllHeaders) {

    public static final SessionAffinityAttributes DEFAULT =
            new SessionAffinityAttributes("Auto", "Auto", 0, "none", List.of(), false);

    public SessionAffinityAttributes {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }
}
