package dev.fulcrum.affinity;

/**
 * {@code session_affinity_attributes.zero_downtime_failover} (spec §5.3, §8.3): what happens to a pinned session
 * when its origin cannot serve it.
 */
public enum FailoverMode {

    /**
     * A pinned request that meets a connection failure is not retried elsewhere: the client gets the 52x answer.
     * A pin to an origin the monitors call unhealthy is broken and the session re-steered with a new pin.
     */
    NONE,
    /**
     * The request is served by another origin (failover retry, or normal steering when the pin is unhealthy) and
     * the pin is kept, so the session returns once its origin recovers.
     */
    TEMPORARY,
    /** The request is served by another origin and the session is re-pinned to it. Not for header affinity. */
    STICKY;

    /**
     * The mode for a configured value; null or empty means {@link #NONE}.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static FailoverMode of(String value) {
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        switch (value) {
            case "none":
                return NONE;
            case "temporary":
                return TEMPORARY;
            case "sticky":
                return STICKY;
            default:
                throw new IllegalArgumentException("session_affinity_attributes.zero_downtime_failover: " + value
                        + " (expected: none, temporary, sticky)");
        }
    }
}
