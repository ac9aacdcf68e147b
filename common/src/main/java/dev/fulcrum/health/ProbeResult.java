package dev.fulcrum.health;

/**
 * The outcome of one probe attempt (or of a whole check, which is its last attempt).
 *
 * @param reason       {@link FailureReason#NONE} exactly when {@code passed}
 * @param responseCode HTTP status seen, 0 when there was none (non-HTTP probes, or no response)
 * @param rttNanos     round-trip time of a passing attempt, -1 when not measured
 */
record ProbeResult(boolean passed, FailureReason reason, int responseCode, long rttNanos) {

    static ProbeResult pass(int responseCode, long rttNanos) {
        return new ProbeResult(true, FailureReason.NONE, responseCode, rttNanos);
    }

    static ProbeResult fail(FailureReason reason, int responseCode) {
        return new ProbeResult(false, reason, responseCode, -1);
    }

    static ProbeResult fail(FailureReason reason) {
        return fail(reason, 0);
    }
}
