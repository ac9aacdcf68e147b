package dev.fulcrum.health;

/** The health of one monitored origin as the monitors see it (spec §2.3). */
public enum OriginState {
    /** Checks pass (the consecutive_up threshold was reached). */
    HEALTHY,
    /** Checks fail. */
    UNHEALTHY,
    /** A monitor is attached but has no verdict yet: treated as down. */
    UNKNOWN
}
