package dev.fulcrum.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One origin (endpoint) inside a pool, spec §2.1.
 *
 * @param port        0 = the protocol default
 * @param weight      0–1; 0 means health-checked but no traffic
 * @param header      request header overrides; only {@code Host} is allowed, with exactly one value
 * @param virtualNetworkId nullable, stored only
 * @param disabledAt  nullable; set while {@code enabled} is false
 */
public record Origin(String name, String address, int port, boolean enabled, double weight,
                     Map<String, List<String>> header, String virtualNetworkId, Instant disabledAt) {

    public Origin {
        header = header == null ? Map.of() : Map.copyOf(header);
    }

    /** The Host header override, or null when the origin has none. */
    public String hostOverride() {
        final List<String> hosts = header.get("Host");
        return hosts == null || hosts.isEmpty() ? null : hosts.get(0);
    }
}
