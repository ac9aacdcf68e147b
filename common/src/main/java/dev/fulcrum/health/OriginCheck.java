package dev.fulcrum.health;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One scheduled (monitor, pool, origin) pair: its plan, state machine, display labels, what its verdict counts for
 * in the pool ({@link MemberRole}) and next timer. At most one check of a pair is in flight: the next one is
 * scheduled only when the previous one finished. Labels and role may change without resetting the pair.
 */
final class OriginCheck {

    /** Names for events and logs; they may change without resetting the pair. */
    record Labels(String poolName, String originName, String address, int port) {
    }

    private final String poolId;
    private final String originKey;
    private final CheckPlan plan;
    private final OriginTracker tracker;
    private volatile Labels labels;
    private volatile MemberRole role;
    private volatile boolean stopped;
    private ScheduledFuture<?> next;

    /** @param previous the tracker of the check this one replaces (its verdict carries over), or null */
    OriginCheck(String poolId, String originKey, CheckPlan plan, Labels labels, MemberRole role,
                OriginTracker previous) {
        this.poolId = poolId;
        this.originKey = originKey;
        this.plan = plan;
        this.labels = labels;
        this.role = role;
        this.tracker = previous == null ? new OriginTracker(plan.consecutiveUp(), plan.consecutiveDown())
                : OriginTracker.continuing(plan.consecutiveUp(), plan.consecutiveDown(), previous);
    }

    String poolId() {
        return poolId;
    }

    String originKey() {
        return originKey;
    }

    CheckPlan plan() {
        return plan;
    }

    OriginTracker tracker() {
        return tracker;
    }

    Labels labels() {
        return labels;
    }

    MemberRole role() {
        return role;
    }

    /** The pair's key in its pool: origin and monitor. */
    String key() {
        return key(originKey, role.monitorId());
    }

    static String key(String originKey, String monitorId) {
        return originKey + ' ' + monitorId;
    }

    void relabel(Labels newLabels, MemberRole newRole) {
        labels = newLabels;
        role = newRole;
    }

    boolean stopped() {
        return stopped;
    }

    /** Schedules {@code task} after {@code delayMillis} unless stopped (or the scheduler is shutting down). */
    synchronized void schedule(ScheduledExecutorService scheduler, Runnable task, long delayMillis) {
        if (stopped) {
            return;
        }
        try {
            next = scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            stopped = true;
        }
    }

    /** Stops for good: the timer is cancelled and a result still in flight is dropped. */
    synchronized void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
    }
}
