package dev.fulcrum.health;

/** The dashboard label of a pool's health (spec §2.3). */
public enum PoolState {
    /** Every enabled origin is healthy. */
    HEALTHY,
    /** At least one enabled origin is not healthy, but the healthy count still reaches {@code minimum_origins}. */
    DEGRADED,
    /** Fewer healthy origins than {@code minimum_origins}: the pool gets no traffic unless it is the fallback. */
    CRITICAL,
    /** No monitor, the pool is disabled, or no origin has a verdict yet. */
    UNKNOWN
}
