package dev.fulcrum.health;

import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;

import java.util.ArrayList;
import java.util.List;

/**
 * A pool's health as this node sees it (spec §2.3), for {@code GET /pools/{id}/health}: this node is the one PoP.
 * The static methods are the one definition of "pool usable by health" for whoever needs it.
 *
 * @param healthy whether the pool is usable: enabled and (no monitor, or healthy origins ≥ minimum_origins)
 * @param origins the pool's enabled origins in configuration order; without a monitor they are all UNKNOWN
 */
public record PoolHealth(String poolId, String poolName, String popName, PoolState state, boolean healthy,
                         List<OriginStatus> origins) {

    public PoolHealth {
        origins = List.copyOf(origins);
    }

    /** The view of {@code pool} in {@code health}. */
    public static PoolHealth of(Pool pool, HealthSnapshot health, String popName) {
        final List<OriginStatus> origins = new ArrayList<>();
        for (final Origin origin : pool.origins()) {
            if (origin.enabled()) {
                final OriginHealth result = pool.monitored()
                        ? health.origin(pool.id(), HealthSnapshot.originKey(origin.address(), origin.port())) : null;
                origins.add(OriginStatus.of(origin.name(), origin.address(), origin.port(), result));
            }
        }
        final List<OriginHealth> folded = origins(pool, health);
        return new PoolHealth(pool.id(), pool.name(), popName, state(pool, folded), healthyEnough(pool, folded),
                origins);
    }

    /** Every configured origin of {@code pool} as routing sees it ({@link OriginHealth#of}), in order. */
    public static List<OriginHealth> origins(Pool pool, HealthSnapshot health) {
        final List<OriginHealth> out = new ArrayList<>(pool.origins().size());
        for (final Origin origin : pool.origins()) {
            out.add(OriginHealth.of(pool, origin, pool.monitored()
                    ? health.origin(pool.id(), HealthSnapshot.originKey(origin.address(), origin.port())) : null));
        }
        return out;
    }

    /**
     * Healthy / Degraded / Critical by {@code minimum_origins} over the enabled origins; UNKNOWN without a monitor,
     * for a disabled pool, or while no enabled origin has a verdict.
     */
    public static PoolState state(Pool pool, HealthSnapshot health) {
        return state(pool, origins(pool, health));
    }

    private static PoolState state(Pool pool, List<OriginHealth> origins) {
        if (!pool.enabled() || !pool.monitored()) {
            return PoolState.UNKNOWN;
        }
        int enabled = 0;
        int known = 0;
        int healthy = 0;
        for (final OriginHealth origin : origins) {
            if (origin.has(UnusableReason.DISABLED)) {
                continue;
            }
            enabled++;
            if (!origin.has(UnusableReason.NO_RESULT_YET)) {
                known++;
                if (origin.healthy()) {
                    healthy++;
                }
            }
        }
        if (known == 0 && enabled > 0) {
            return PoolState.UNKNOWN;
        }
        if (healthy < Math.max(1, pool.minimumOrigins())) {
            return PoolState.CRITICAL;
        }
        return healthy == enabled ? PoolState.HEALTHY : PoolState.DEGRADED;
    }

    /** Enabled and (no monitor, or at least {@code minimum_origins} enabled origins healthy). */
    public static boolean usable(Pool pool, HealthSnapshot health) {
        return healthyEnough(pool, origins(pool, health));
    }

    /**
     * The one definition of a pool usable by health (spec §2.3), over its origins as {@link #origins} folds them:
     * enabled, and either unmonitored or with at least {@code minimum_origins} (at least one) enabled origins
     * healthy. The router adds that steering needs an origin it can pick ({@link OriginHealth#usable()}).
     */
    public static boolean healthyEnough(Pool pool, List<OriginHealth> origins) {
        if (!pool.enabled()) {
            return false;
        }
        if (!pool.monitored()) {
            return true;
        }
        int healthy = 0;
        for (final OriginHealth origin : origins) {
            if (!origin.has(UnusableReason.DISABLED) && origin.healthy()) {
                healthy++;
            }
        }
        return healthy >= Math.max(1, pool.minimumOrigins());
    }
}
