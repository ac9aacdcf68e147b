package dev.fulcrum.health;

import org.pcollections.TreePMap;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable view of probe results, published by the health monitors and read by the router.
 *
 * <p>Keys: pool id, then the origin key {@code address:port} (see {@link #originKey}). A pool with a monitor whose
 * origin has no entry yet has "no result yet": the origin is not usable (spec §2.3). Pools without a monitor are not
 * looked up here at all. The inner maps must be immutable too (the health monitor publishes them so).
 *
 * <p>The outer map is persistent ({@link TreePMap}): {@link #replace} makes the next snapshot in proportion to the
 * pools it replaces, sharing the others, so a publication never copies every pool's results.
 */
public record HealthSnapshot(Map<String, Map<String, OriginHealth>> pools) {

    private static final Comparator<? super String> ID_ORDER = TreePMap.<String, Object>empty().comparator();

    public static final HealthSnapshot EMPTY = new HealthSnapshot(Map.of());

    public HealthSnapshot {
        pools = pools instanceof TreePMap<String, Map<String, OriginHealth>> tree && tree.comparator() == ID_ORDER
                ? tree : TreePMap.from(pools);
    }

    /**
     * Replaces the results of the pools in {@code replaced} (a null or empty value removes the pool) and returns
     * the change, which lists only the pools whose results really differ.
     */
    public HealthChange replace(Map<String, Map<String, OriginHealth>> replaced) {
        TreePMap<String, Map<String, OriginHealth>> next = (TreePMap<String, Map<String, OriginHealth>>) pools;
        final Set<String> changed = new TreeSet<>();
        for (Map.Entry<String, Map<String, OriginHealth>> e : replaced.entrySet()) {
            final Map<String, OriginHealth> old = next.get(e.getKey());
            final Map<String, OriginHealth> now = e.getValue() == null || e.getValue().isEmpty() ? null
                    : e.getValue();
            if (now == null) {
                if (old != null) {
                    next = next.minus(e.getKey());
                    changed.add(e.getKey());
                }
            } else if (old != now && !now.equals(old)) {
                next = next.plus(e.getKey(), now);
                changed.add(e.getKey());
            }
        }
        return new HealthChange(this, changed.isEmpty() ? this : new HealthSnapshot(next), changed);
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
