package dev.fulcrum.config;

import java.time.Instant;
import java.util.List;

/**
 * An origin pool, account-scoped, spec §2.
 *
 * @param monitor            nullable monitor id; without one every enabled origin is usable
 * @param monitorGroup       nullable monitor group id; beside or instead of {@code monitor}
 * @param originSteering     {@code random}, {@code hash}, {@code least_outstanding_requests}, {@code least_connections}
 * @param loadShedding       nullable
 * @param latitude           nullable; set together with longitude
 * @param longitude          nullable
 * @param checkRegions       nullable (= all regions)
 * @param notificationFilter nullable
 * @param networks           nullable, stored only
 * @param disabledAt         nullable; set while {@code enabled} is false
 */
public record Pool(String id, String accountId, Instant createdOn, Instant modifiedOn, Instant disabledAt,
                   String name, String description, boolean enabled, int minimumOrigins, String monitor,
                   String monitorGroup, List<Origin> origins, String originSteering, LoadShedding loadShedding,
                   Double latitude, Double longitude, List<String> checkRegions, String notificationEmail,
                   NotificationFilter notificationFilter, List<String> networks) {

    public Pool {
        origins = List.copyOf(origins);
        checkRegions = checkRegions == null ? null : List.copyOf(checkRegions);
        networks = networks == null ? null : List.copyOf(networks);
    }

    public boolean hasCoordinates() {
        return latitude != null && longitude != null;
    }

    /** Health is considered: the pool names a monitor, a monitor group or both (else every origin is usable). */
    public boolean monitored() {
        return monitor != null || monitorGroup != null;
    }
}
