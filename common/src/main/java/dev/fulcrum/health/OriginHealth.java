package dev.fulcrum.health;

import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What is known about one origin of one pool, folded into one set of reasons (STYLE 13): the monitor's verdict
 * ({@link UnusableReason#MONITOR_FAILED}, {@link UnusableReason#NO_RESULT_YET}) and, once
 * {@link #of(Pool, Origin, OriginHealth)} has added the configuration, {@link UnusableReason#DISABLED},
 * {@link UnusableReason#DRAINING} and {@link UnusableReason#SHED}. The health engine publishes verdicts only
 * (no entry while there is none); the router and the pool health API fold them with the configuration through
 * {@link #of}, so "healthy" and "usable" are decided here and nowhere else.
 *
 * @param reasons       why the origin may not take new traffic; empty = usable (an unmodifiable copy)
 * @param rttMillis     average probe round-trip time in milliseconds, or NaN when unknown
 * @param failureReason Cloudflare's text of the last check (spec §3.1), {@code "No failures"} when it passed; null
 *                      when there is no check result
 * @param responseCode  last HTTP status seen, 0 when none
 */
public record OriginHealth(Set<UnusableReason> reasons, double rttMillis, String failureReason, int responseCode) {

    /** An unmonitored, enabled, weighted origin: nothing stops it. */
    public static final OriginHealth UNMONITORED = new OriginHealth(Set.of(), Double.NaN, null, 0);

    public OriginHealth {
        // Enum order, so reasons print and compare the same way everywhere.
        reasons = reasons.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(reasons));
    }

    /** A monitor's verdict: healthy, or {@link UnusableReason#MONITOR_FAILED}. */
    public OriginHealth(boolean healthy, double rttMillis, String failureReason, int responseCode) {
        this(healthy ? Set.of() : Set.of(UnusableReason.MONITOR_FAILED), rttMillis, failureReason, responseCode);
    }

    /**
     * The origin as routing and the pool health API see it: {@code verdict} (the monitor's, null when there is
     * none) folded with the pool's and the origin's configuration.
     */
    public static OriginHealth of(Pool pool, Origin origin, OriginHealth verdict) {
        final EnumSet<UnusableReason> reasons = EnumSet.noneOf(UnusableReason.class);
        if (pool.monitored()) {
            if (verdict == null) {
                reasons.add(UnusableReason.NO_RESULT_YET);
            } else {
                reasons.addAll(verdict.reasons());
            }
        }
        if (!origin.enabled()) {
            reasons.add(UnusableReason.DISABLED);
            if (origin.disabledAt() != null) {
                reasons.add(UnusableReason.DRAINING);
            }
        }
        if (!(origin.weight() > 0)) {
            reasons.add(UnusableReason.SHED);
        }
        if (verdict == null) {
            return reasons.isEmpty() ? UNMONITORED : new OriginHealth(reasons, Double.NaN, null, 0);
        }
        return reasons.equals(verdict.reasons()) ? verdict
                : new OriginHealth(reasons, verdict.rttMillis, verdict.failureReason, verdict.responseCode);
    }

    /** Steering may pick it for new traffic: no reason at all. */
    public boolean usable() {
        return reasons.isEmpty();
    }

    /**
     * The monitor has nothing against it: a passing verdict, or no monitor. What {@code minimum_origins} counts
     * among the enabled origins.
     */
    public boolean healthy() {
        return !reasons.contains(UnusableReason.MONITOR_FAILED) && !reasons.contains(UnusableReason.NO_RESULT_YET);
    }

    /** The monitor says unhealthy (a verdict, not the absence of one). */
    public boolean failed() {
        return reasons.contains(UnusableReason.MONITOR_FAILED);
    }

    public boolean has(UnusableReason reason) {
        return reasons.contains(Objects.requireNonNull(reason, "reason"));
    }
}
