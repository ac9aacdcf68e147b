package dev.fulcrum.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A health monitor, account-scoped, spec §3. Times are in seconds.
 *
 * @param type           {@code http}, {@code https}, {@code tcp}, {@code udp_icmp}, {@code icmp_ping}, {@code smtp}
 * @param port           0 = the origin's port, else 80/443
 * @param expectedCodes  {@code "200"}, {@code "2xx"} or a comma list; http/https only
 */
public record Monitor(String id, String accountId, Instant createdOn, Instant modifiedOn, String type, String method,
                      String path, Map<String, List<String>> header, int port, int timeout, int retries,
                      int interval, String expectedCodes, String expectedBody, boolean followRedirects,
                      boolean allowInsecure, int consecutiveUp, int consecutiveDown, String probeZone,
                      String description) {

    public Monitor {
        header = header == null ? Map.of() : Map.copyOf(header);
    }
}
