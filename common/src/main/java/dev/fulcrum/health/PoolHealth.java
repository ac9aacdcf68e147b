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
                final OriginHealth result = pool.monitor() == null ? null
                        : health.origin(pool.id(), HealthSnapshot.originKey(origin.address(), origin.port()));
                origins.add(OriginStatus.of(origin.name(), origin.address(), origin.port(), result));
            }
        }
        return new PoolHealth(pool.id(), pool.name(), popName, state(pool, health), usable(pool, health), origins);
    }

    /**
     * Healthy / Degraded / Critical by {@code minimum_origins} over the enabled origins; UNKNOWN without a monitor,
     * for a disabled pool, or while no enabled origin has a verdict.
     */
    public static PoolState state(Pool pool, HealthSnapshot health) {
        if (!pool.enabled() || pool.monitor() == null) {
            return PoolState.UNKNOWN;
        }
        int enabled = 0;
        int known = 0;
        int healthy = 0;
        for (final Origin origin : pool.origins()) {
            if (!origin.enabled()) {
                continue;
            }
            enabled++;
            final OriginHealth result = health.origin(pool.id(),
                    HealthSnapshot.originKey(origin.address(), origin.port()));
            if (result != null) {
                known++;
                if (result.healthy()) {
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
        if (!pool.enabled()) {
            return false;
        }
        if (pool.monitor() == null) {
            return true;
        }
        final PoolState state = state(pool, health);
        return state == PoolState.HEALTHY || state == PoolState.DEGRADED;
    }
}
