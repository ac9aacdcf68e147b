package dev.fulcrum.health;

import java.util.Map;

/**
 * An immutable view of probe results, published as a whole by the health monitors and read by the router.
 *
 * <p>Keys: pool id, then the origin key {@code address:port} (see {@link #originKey}). A pool with a monitor whose
 * origin has no entry yet has "no result yet": the origin is not usable (spec §2.3). Pools without a monitor are not
 * looked up here at all. The inner maps must be immutable too (the health monitor publishes them so).
 */
public record HealthSnapshot(Map<String, Map<String, OriginHealth>> pools) {

    public static final HealthSnapshot EMPTY = new HealthSnapshot(Map.of());

    public HealthSnapshot {
        pools = Map.copyOf(pools);
    }

    /** The probe result for an origin of a pool, or null when there is none yet. */
    public OriginHealth origin(String poolId, String originKey) {
        final Map<String, OriginHealth> origins = pools.get(poolId);
        return origins == null ? null : origins.get(originKey);
    }

    /**
     * The pool's probe round-trip time for {@code dynamic_latency} (spec §4.2): the mean of its healthy origins'
     * round-trip averages, in milliseconds; NaN when no healthy origin has one (then use failover order).
     */
    public double poolRttMillis(String poolId) {
        final Map<String, OriginHealth> origins = pools.get(poolId);
        if (origins == null) {
            return Double.NaN;
        }
        double sum = 0;
        int count = 0;
        for (final OriginHealth origin : origins.values()) {
            if (origin.healthy() && !Double.isNaN(origin.rttMillis())) {
                sum += origin.rttMillis();
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    public static String originKey(String address, int port) {
        return address + ':' + port;
    }
}
