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
 * @param healthSources      nullable (= {@code ["local", "global"]}), else {@link #REGIONAL_THEN_GLOBAL}: where the
 *                           pool's health comes from in a cluster (spec, "health across vantage points")
 */
public record Pool(String id, String accountId, Instant createdOn, Instant modifiedOn, Instant disabledAt,
                   String name, String description, boolean enabled, int minimumOrigins, String monitor,
                   String monitorGroup, List<Origin> origins, String originSteering, LoadShedding loadShedding,
                   Double latitude, Double longitude, List<String> checkRegions, String notificationEmail,
                   NotificationFilter notificationFilter, List<String> networks, List<String> healthSources) {

    /** The one list of health sources Cloudflare accepts besides null: each region's verdict, then the global one. */
    public static final List<String> REGIONAL_THEN_GLOBAL = List.of("regional", "global");

    public Pool {
        origins = List.copyOf(origins);
        checkRegions = checkRegions == null ? null : List.copyOf(checkRegions);
        networks = networks == null ? null : List.copyOf(networks);
        healthSources = healthSources == null ? null : List.copyOf(healthSources);
    }

    /** A pool with the default health sources (null). */
    public Pool(String id, String accountId, Instant createdOn, Instant modifiedOn, Instant disabledAt, String name,
                String description, boolean enabled, int minimumOrigins, String monitor, String monitorGroup,
                List<Origin> origins, String originSteering, LoadShedding loadShedding, Double latitude,
                Double longitude, List<String> checkRegions, String notificationEmail,
                NotificationFilter notificationFilter, List<String> networks) {
        this(id, accountId, createdOn, modifiedOn, disabledAt, name, description, enabled, minimumOrigins, monitor,
                monitorGroup, origins, originSteering, loadShedding, latitude, longitude, checkRegions,
                notificationEmail, notificationFilter, networks, null);
    }

    /** True when the pool steers on its region's verdict first ({@code health_sources: ["regional","global"]}). */
    public boolean regionalHealth() {
        return REGIONAL_THEN_GLOBAL.equals(healthSources);
    }

    public boolean hasCoordinates() {
        return latitude != null && longitude != null;
    }

    /** Health is considered: the pool names a monitor, a monitor group or both (else every origin is usable). */
    public boolean monitored() {
        return monitor != null || monitorGroup != null;
    }
}
