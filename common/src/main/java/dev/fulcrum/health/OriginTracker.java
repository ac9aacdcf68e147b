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
 *   <li>The published round trip follows the average only when it moves by more than 10 % and 0.5 ms: steady
 *       origins then publish nothing new, so the router keeps their pools' plans (and map identities).</li>
 * </ul>
 * Thread-safe: a pair has at most one check in flight, but results and reads can come from different threads.
 */
final class OriginTracker {

    static final double ALPHA = 0.3;
    static final double RTT_TOLERANCE_SHARE = 0.1;
    static final double RTT_TOLERANCE_MILLIS = 0.5;

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

    /**
     * A tracker for a pair whose check changed (monitor or origin edited), starting from {@code previous}'s verdict
     * and round trip with empty streaks: the new checks overturn the verdict by the new thresholds. Restarting
     * from UNKNOWN instead would take every origin of every pool the monitor checks out of service until the new
     * checks reach {@code consecutive_up}, so an edit would be an outage (spec §2.3 "no result yet" is an origin
     * never checked, not one whose check was edited).
     */
    static OriginTracker continuing(int consecutiveUp, int consecutiveDown, OriginTracker previous) {
        final OriginTracker tracker = new OriginTracker(consecutiveUp, consecutiveDown);
        synchronized (previous) {
            tracker.state = previous.state;
            tracker.rttMillis = previous.rttMillis;
            tracker.health = previous.health;
        }
        return tracker;
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
        if (before != null && after != null && before.healthy() == after.healthy()
                && before.failureReason().equals(after.failureReason())
                && before.responseCode() == after.responseCode() && !rttMoved(before.rttMillis(), rttMillis)) {
            // Same verdict, round trip within tolerance: keep the published value (and its identity).
            return new Change(from, state, false);
        }
        health = after;
        return new Change(from, state, before == null ? after != null : !before.equals(after));
    }

    /** Whether the average moved enough to be worth publishing: more than 10 % and more than 0.5 ms. */
    private static boolean rttMoved(double published, double now) {
        if (Double.isNaN(published) || Double.isNaN(now)) {
            return Double.isNaN(published) != Double.isNaN(now);
        }
        final double delta = Math.abs(now - published);
        return delta > RTT_TOLERANCE_MILLIS && delta > RTT_TOLERANCE_SHARE * published;
    }

    /** The published view, or null while there is no verdict. */
    OriginHealth health() {
        return health;
    }

    synchronized OriginState state() {
        return state;
    }
}
