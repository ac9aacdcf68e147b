package dev.fulcrum.routing;

import dev.fulcrum.affinity.FailoverMode;
import dev.fulcrum.health.OriginHealth;

/**
 * One origin of one pool that a session of a load balancer may be pinned to, with what a pin to it means in this
 * snapshot (spec §5, §5.3). Built with the load balancer's plan, so health and configuration changes rebuild it.
 *
 * <p>States, decided once per snapshot:
 * <ul>
 *   <li>{@link #SERVE}: pool and origin enabled, the origin healthy (or the pool unmonitored) and the pool not
 *       Critical by {@code minimum_origins}. The origin's weight does not matter [G]: the pin wins over weights, so a
 *       weight set to 0 keeps existing sessions and only stops new ones.</li>
 *   <li>{@link #DRAINING}: the origin or its pool was disabled and {@code drain_duration} has not run out since the
 *       earlier {@code disabled_at}; served until then, health unknown (a disabled origin is no longer probed) unless
 *       a result says it is down. No new pins go there because steering never picks a disabled origin.</li>
 *   <li>{@link #UNHEALTHY}: enabled but down by its monitor (or no result yet), or its pool is Critical.</li>
 *   <li>{@link #GONE}: disabled with no drain left (drain 0, no {@code disabled_at} known, or down).</li>
 * </ul>
 * An origin deleted from the configuration, or a pool no longer used by the load balancer, has no target at all.
 */
final class PinTarget {

    static final int SERVE = 0;
    static final int DRAINING = 1;
    static final int UNHEALTHY = 2;
    static final int GONE = 3;

    /** What the affinity stage does with one request's pin. */
    static final int USE = 0;
    /** Serve elsewhere and keep the pin ({@code temporary}). */
    static final int KEEP = 1;
    /** Shed by {@code session_percent}: re-pin away from this pool. */
    static final int SHED = 2;
    /** Re-steer and re-pin. */
    static final int BREAK = 3;

    final PoolPlan pool;
    final OriginPlan origin;
    /** The origin's index among the pool's pickable origins (the failover retry excludes it), or -1. */
    final int pickIndex;
    final int state;
    /** For {@link #DRAINING}: the epoch ms from which the pin is no longer served. */
    final long drainUntilMillis;

    PinTarget(PoolPlan pool, int originIndex, long drainMillis) {
        this.pool = pool;
        this.origin = pool.allOrigins()[originIndex];
        this.pickIndex = pool.pickIndexOf(originIndex);
        final OriginHealth health = pool.healthOf(originIndex);
        if (pool.enabled && origin.enabled) {
            state = pool.healthyEnough && health.healthy() ? SERVE : UNHEALTHY;
            drainUntilMillis = Long.MIN_VALUE;
            return;
        }
        long disabledAt = Long.MAX_VALUE;
        if (!pool.enabled && pool.disabledAtMillis != Long.MIN_VALUE) {
            disabledAt = pool.disabledAtMillis;
        }
        if (!origin.enabled && origin.disabledAtMillis != Long.MIN_VALUE) {
            disabledAt = Math.min(disabledAt, origin.disabledAtMillis);
        }
        final boolean startKnown = disabledAt != Long.MAX_VALUE
                && (pool.enabled || pool.disabledAtMillis != Long.MIN_VALUE)
                && (origin.enabled || origin.disabledAtMillis != Long.MIN_VALUE);
        if (drainMillis > 0 && startKnown && !health.failed()) {
            state = DRAINING;
            drainUntilMillis = disabledAt + drainMillis;
        } else {
            state = GONE;
            drainUntilMillis = Long.MIN_VALUE;
        }
    }

    /** What to do with a pin to this target for one request at {@code nowMillis}. */
    int use(long nowMillis, long sessionHash, FailoverMode mode) {
        switch (state) {
            case SERVE:
                return pool.shedsSession(sessionHash) ? SHED : USE;
            case DRAINING:
                return nowMillis >= drainUntilMillis ? BREAK : USE;
            case UNHEALTHY:
                return mode == FailoverMode.TEMPORARY ? KEEP : BREAK;
            default:
                return BREAK;
        }
    }

    @Override
    public String toString() {
        return "PinTarget[pool=" + pool.id + ", origin=" + origin.name + ", state=" + state + ']';
    }
}
