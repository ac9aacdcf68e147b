package dev.fulcrum.health;

/**
 * The consecutive-up/down state machine of one (monitor, pool, origin) pair, with its round-trip average.
 *
 * <ul>
 *   <li>{@code consecutive_up}/{@code consecutive_down} of 0 behave as 1 (spec §3).</li>
 *   <li>UNKNOWN → HEALTHY after {@code up} passes in a row; HEALTHY → UNHEALTHY after {@code down} failures in a
 *       row; UNHEALTHY → HEALTHY after {@code up} passes in a row.</li>
 *   <li>UNKNOWN → UNHEALTHY on the first failure [G]: an origin without a verdict is already treated as down, so
 *       there is no traffic to protect from a blip, and the operator sees the reason at once.</li>
 *   <li>The round-trip average is an EWMA (weight {@value #ALPHA} for the newest sample) over passing checks
 *       only: a failed check's time measures the failure, not the origin.</li>
 *   <li>The reported failure reason and response code are the last check's, even while the state holds (a healthy
 *       origin one failure below its threshold shows that failure).</li>
 * </ul>
 * Thread-safe: a pair has at most one check in flight, but results and reads can come from different threads.
 */
final class OriginTracker {

    static final double ALPHA = 0.3;

    private final int up;
    private final int down;
    private OriginState state = OriginState.UNKNOWN;
    private int passes;
    private int failures;
    private double rttMillis = Double.NaN;
    // What readers see: null while UNKNOWN (no entry = not usable), else immutable and replaced whole.
    private volatile OriginHealth health;

    OriginTracker(int consecutiveUp, int consecutiveDown) {
        this.up = Math.max(1, consecutiveUp);
        this.down = Math.max(1, consecutiveDown);
    }

    /** What one check changed. */
    record Change(OriginState from, OriginState to, boolean healthChanged) {
        boolean isTransition() {
            return from != to;
        }
    }

    synchronized Change record(ProbeResult result) {
        final OriginState from = state;
        if (result.passed()) {
            passes++;
            failures = 0;
            if (result.rttNanos() >= 0) {
                final double sample = result.rttNanos() / 1_000_000.0;
                rttMillis = Double.isNaN(rttMillis) ? sample : ALPHA * sample + (1 - ALPHA) * rttMillis;
            }
            if (state != OriginState.HEALTHY && passes >= up) {
                state = OriginState.HEALTHY;
            }
        } else {
            failures++;
            passes = 0;
            if (state == OriginState.UNKNOWN || state == OriginState.HEALTHY && failures >= down) {
                state = OriginState.UNHEALTHY;
            }
        }
        final OriginHealth before = health;
        final OriginHealth after = state == OriginState.UNKNOWN ? null
                : new OriginHealth(state == OriginState.HEALTHY, rttMillis, result.reason().text(),
                        result.responseCode());
        health = after;
        return new Change(from, state, before == null ? after != null : !before.equals(after));
    }

    /** The published view, or null while there is no verdict. */
    OriginHealth health() {
        return health;
    }

    synchronized OriginState state() {
        return state;
    }
}
