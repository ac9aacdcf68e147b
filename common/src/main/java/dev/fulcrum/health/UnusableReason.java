package dev.fulcrum.health;

/**
 * Why steering may not pick an origin for new traffic (STYLE 13): an origin with no reason is usable. Reasons
 * combine, e.g. a disabled origin whose last check failed is both {@link #DISABLED} and {@link #MONITOR_FAILED}.
 */
public enum UnusableReason {
    /** The monitor's verdict is unhealthy (spec §2.3); the last failure text says why. */
    MONITOR_FAILED,
    /** The pool has a monitor and the origin has no verdict yet: treated as down (spec §2.3). */
    NO_RESULT_YET,
    /** The origin is disabled (spec §2): no checks, no new traffic. */
    DISABLED,
    /**
     * Disabled with a known {@code disabled_at}: pinned sessions may still reach it for the load balancer's
     * {@code drain_duration} (spec §5.3), new traffic does not.
     */
    DRAINING,
    /** Weight 0: it takes no new traffic [G], while sessions pinned to it keep it (spec §2.1 weights). */
    SHED
}
