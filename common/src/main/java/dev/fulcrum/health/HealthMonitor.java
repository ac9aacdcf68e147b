package dev.fulcrum.health;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the health monitors of the committed configuration and publishes their verdicts as {@link HealthSnapshot}s
 * (spec §2.3, §3, §10).
 *
 * <p>Lifecycle: construct, {@link #start()}, then {@link #update} with every committed {@link ConfigSnapshot}
 * (calling it before {@code start} is fine: the checks start with it), {@link #close()} at shutdown.
 *
 * <p>What is checked: every (monitor, pool, origin) where the pool is enabled and the origin is enabled (spec §2:
 * disabled pools and origins get no checks), for the pool's monitor or each enabled member of its monitor group
 * ({@link PoolMonitors}). One pair per pool id, origin key {@code address:port} and monitor; the first origin wins if
 * a pool lists the same key twice. An origin's verdict is its one monitor's, or its group members' combined by
 * {@link MemberQuorum}.
 *
 * <p>Concurrency: one small scheduler runs every timer and the publishing; probes are asynchronous I/O (see
 * {@link Probes}), so there is no thread per origin, and a {@link ProbeGate} bounds the attempts in flight. Each
 * pair re-arms its own timer when its check ends (interval ±10 % jitter, measured from the check's start), so a pair
 * never has two checks in flight. {@link #update} is serialised; a pair whose {@link CheckPlan} is unchanged keeps its
 * state and timer (a new {@link MemberRole} only changes what its verdict counts for); a changed one is stopped, its late result dropped, and its replacement starts from its verdict
 * (see {@link OriginTracker#continuing}); a removed one is stopped and forgotten. Readers get an immutable
 * snapshot through a volatile field. Publishing: a state transition publishes within
 * {@value #TRANSITION_COALESCE_MILLIS} ms (one queued publish at a time, so bursts coalesce); other changes
 * (round-trip times, reasons) mark their pool dirty and go out with the next publish, at most every
 * {@code publishPeriod}. A publish rebuilds only dirty pools. {@link #update} publishes before it returns.
 * Listeners run on the publishing thread, one at a time, and must be quick.
 *
 * <p>Failure: a check never fails as such; every problem is a failed probe with Cloudflare's reason (spec §3.1),
 * including {@code Monitor Config Error} for a monitor that cannot be probed as configured. Retries are immediate
 * and only after timeouts (spec §3). A listener that throws is logged and does not stop the others.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    private static final double JITTER = 0.1;
    // Transitions wait this long for company: thousands of origins turning healthy at start-up become a few dozen
    // snapshots instead of thousands, each of which the router would rebuild from.
    private static final long TRANSITION_COALESCE_MILLIS = 50;

    private final HealthSettings settings;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Probes probes;
    private final EventLog events;
    private final PreviewService previews;
    private final List<Consumer<HealthChange>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> dirtyPools = ConcurrentHashMap.newKeySet();
    /** Pools whose meters' rows may differ since the last publish (configuration, not results). */
    private final Set<String> relabelledPools = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean publishQueued = new AtomicBoolean();
    private final Object publishLock = new Object();

    // Control path, guarded by this.
    /** Monitor id → ids of the pools that name it, so that a monitor edit replans exactly its pools. */
    private final Map<String, Set<String>> poolsByMonitor = new HashMap<>();
    /** Monitor group id → ids of the pools that name it. */
    private final Map<String, Set<String>> poolsByGroup = new HashMap<>();
    /** Monitor id → ids of the monitor groups that list it: a monitor edit also replans their pools. */
    private final Map<String, Set<String>> groupsByMonitor = new HashMap<>();
    private boolean started;
    private boolean closed;

    // Read by the publisher and the API without locks; each pool's list is replaced whole by update().
    private volatile ConfigSnapshot config = ConfigSnapshot.EMPTY;
    private final Map<String, PoolChecks> checksByPool = new ConcurrentHashMap<>();
    private volatile HealthSnapshot snapshot = HealthSnapshot.EMPTY;
    private volatile boolean running;
    private volatile CheckRecorder recorder = CheckRecorder.None.INSTANCE;

    private record Wanted(String originKey, CheckPlan plan, OriginCheck.Labels labels, MemberRole role) {
    }

    /**
     * A pool's checks, and the origins that get a verdict: those with a check, or every enabled origin when a
     * monitor group decides (a group with no deciding member still judges them).
     */
    private record PoolChecks(boolean grouped, Map<String, OriginCheck.Labels> origins, List<OriginCheck> checks) {
    }

    public HealthMonitor() {
        this(HealthSettings.defaults());
    }

    public HealthMonitor(HealthSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        final AtomicInteger threadCount = new AtomicInteger();
        this.scheduler = new ScheduledThreadPoolExecutor(settings.schedulerThreads(), runnable -> {
            final Thread thread = new Thread(runnable, "fulcrum-health-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.probes = new Probes(settings, scheduler);
        this.events = new EventLog(settings.maxEvents());
        this.previews = new PreviewService(probes, settings, () -> running);
    }

    /** Starts the probe clients and the checks of the configuration given so far. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("health monitor is closed");
        }
        if (started) {
            return;
        }
        try {
            probes.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the health probe clients", e);
        }
        started = true;
        running = true;
        final long period = settings.publishPeriod().toMillis();
        scheduler.scheduleWithFixedDelay(this::publishIfDirty, period, period, TimeUnit.MILLISECONDS);
        for (final PoolChecks pool : checksByPool.values()) {
            pool.checks().forEach(this::scheduleFirst);
        }
    }

    /**
     * Applies a committed configuration: starts checks for new pairs, stops removed ones, restarts changed ones
     * from their last verdict, and keeps unchanged ones with their state. Publishes the resulting snapshot before
     * returning. Compares the whole configuration with the last one (see {@link #update(ConfigChange)}).
     */
    public void update(ConfigSnapshot next) {
        Objects.requireNonNull(next, "config");
        update(ConfigChange.between(config, next));
    }

    /**
     * As {@link #update(ConfigSnapshot)}, visiting only what {@code change} names: its pools, the pools that use its
     * monitor groups, and the pools that use its monitors directly or through a group. A change that does not start at the last configuration applied here is compared whole
     * ({@link ConfigChange#since}).
     */
    public void update(ConfigChange change) {
        Objects.requireNonNull(change, "change");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("health monitor is closed");
            }
            final ConfigChange c = change.since(config);
            final ConfigSnapshot next = c.next();
            final Set<String> replan = new TreeSet<>(c.pools());
            for (final String poolId : c.pools()) {
                final Pool before = c.previous().pools().get(poolId);
                final Pool after = next.pools().get(poolId);
                move(poolsByMonitor, before == null ? null : before.monitor(),
                        after == null ? null : after.monitor(), poolId);
                move(poolsByGroup, before == null ? null : before.monitorGroup(),
                        after == null ? null : after.monitorGroup(), poolId);
            }
            for (final String groupId : c.monitorGroups()) {
                final MonitorGroup before = c.previous().monitorGroups().get(groupId);
                final MonitorGroup after = next.monitorGroups().get(groupId);
                for (final MonitorGroup.Member m : before == null ? List.<MonitorGroup.Member>of() : before.members()) {
                    move(groupsByMonitor, m.monitorId(), null, groupId);
                }
                for (final MonitorGroup.Member m : after == null ? List.<MonitorGroup.Member>of() : after.members()) {
                    move(groupsByMonitor, null, m.monitorId(), groupId);
                }
                replan.addAll(poolsByGroup.getOrDefault(groupId, Set.of()));
            }
            for (final String monitorId : c.monitors()) {
                replan.addAll(poolsByMonitor.getOrDefault(monitorId, Set.of()));
                for (final String groupId : groupsByMonitor.getOrDefault(monitorId, Set.of())) {
                    replan.addAll(poolsByGroup.getOrDefault(groupId, Set.of()));
                }
            }
            for (final String poolId : replan) {
                replan(poolId, next);
            }
            relabelledPools.addAll(replan);
            // A member's role or the set of judged origins may have changed: their verdicts are recomputed.
            dirtyPools.addAll(replan);
            config = next;
        }
        publish(true);
    }

    /** Moves {@code id} from the set under {@code from} to the one under {@code to} (null: none). */
    private static void move(Map<String, Set<String>> index, String from, String to, String id) {
        if (from != null) {
            final Set<String> ids = index.get(from);
            if (ids != null && ids.remove(id) && ids.isEmpty()) {
                index.remove(from);
            }
        }
        if (to != null) {
            index.computeIfAbsent(to, k -> new HashSet<>()).add(id);
        }
    }

    /** Brings one pool's checks in line with {@code config}; called with the lock held. */
    private void replan(String poolId, ConfigSnapshot config) {
        final Pool pool = config.pools().get(poolId);
        final PoolMonitors monitors = PoolMonitors.of(pool, config);
        final Map<String, OriginCheck.Labels> origins = new LinkedHashMap<>();
        final Map<String, Wanted> wanted = plan(pool, monitors, origins);
        final PoolChecks old = checksByPool.get(poolId);
        final List<OriginCheck> kept = new ArrayList<>();
        final Map<String, OriginTracker> changed = new HashMap<>();
        final Set<String> keptKeys = new HashSet<>();
        for (final OriginCheck check : old == null ? List.<OriginCheck>of() : old.checks()) {
            final Wanted want = wanted.get(check.key());
            if (want != null && want.plan().equals(check.plan())) {
                check.relabel(want.labels(), want.role());
                kept.add(check);
                keptKeys.add(check.key());
            } else {
                check.stop();
                dirtyPools.add(poolId);
                if (want != null) {
                    changed.put(check.key(), check.tracker());
                }
            }
        }
        for (final Map.Entry<String, Wanted> entry : wanted.entrySet()) {
            if (keptKeys.contains(entry.getKey())) {
                continue;
            }
            final Wanted want = entry.getValue();
            final OriginCheck check = new OriginCheck(poolId, want.originKey(), want.plan(), want.labels(),
                    want.role(), changed.get(entry.getKey()));
            if (want.plan().target().configError() != null) {
                LOG.warn("pool " + want.labels().poolName() + " (" + poolId
                        + ") origin " + want.originKey() + ": monitor " + want.role().monitorId()
                        + " cannot probe: " + want.plan().target().configError());
            }
            kept.add(check);
            if (started) {
                scheduleFirst(check);
            }
        }
        if (!monitors.grouped()) {
            // Without a group, an origin is judged by its one check: no check, no verdict.
            final Set<String> checked = new HashSet<>();
            kept.forEach(check -> checked.add(check.originKey()));
            origins.keySet().retainAll(checked);
        }
        if (origins.isEmpty()) {
            checksByPool.remove(poolId);
        } else {
            checksByPool.put(poolId, new PoolChecks(monitors.grouped(), Map.copyOf(origins), List.copyOf(kept)));
        }
    }

    /**
     * The pairs {@code pool} should have checked, by {@link OriginCheck#key}, and into {@code origins} its enabled
     * origins by key (none for an absent, disabled or unmonitored pool).
     */
    private static Map<String, Wanted> plan(Pool pool, PoolMonitors monitors,
                                            Map<String, OriginCheck.Labels> origins) {
        final Map<String, Wanted> wanted = new LinkedHashMap<>();
        if (monitors.members().isEmpty() && !monitors.grouped()) {
            return wanted;
        }
        for (final Origin origin : pool.origins()) {
            if (!origin.enabled()) {
                continue;
            }
            final String originKey = HealthSnapshot.originKey(origin.address(), origin.port());
            final OriginCheck.Labels labels = new OriginCheck.Labels(pool.name(), origin.name(), origin.address(),
                    origin.port());
            if (origins.putIfAbsent(originKey, labels) != null) {
                continue;
            }
            for (final PoolMonitors.Member member : monitors.members()) {
                wanted.put(OriginCheck.key(originKey, member.role().monitorId()), new Wanted(originKey,
                        CheckPlan.of(member.monitor(), pool.id(), origin), labels, member.role()));
            }
        }
        return wanted;
    }

    /** The current verdicts; never null. */
    public HealthSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Registers {@code listener} and calls it once with the current snapshot, then with every published one, on
     * the publishing thread, in order.
     */
    public void addListener(Consumer<HealthSnapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        addChangeListener(new SnapshotListener(listener));
    }

    /**
     * Registers {@code listener} and calls it once with the change from no results to the current snapshot, then
     * with every published change (the pools whose results differ), on the publishing thread, in order.
     */
    public void addChangeListener(Consumer<HealthChange> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (publishLock) {
            listeners.add(listener);
            notify(listener, HealthChange.between(HealthSnapshot.EMPTY, snapshot));
        }
    }

    public void removeListener(Consumer<HealthSnapshot> listener) {
        listeners.remove(new SnapshotListener(listener));
    }

    /** A snapshot listener as a change listener; equal for the same listener, so it can be removed. */
    private record SnapshotListener(Consumer<HealthSnapshot> listener) implements Consumer<HealthChange> {
        @Override
        public void accept(HealthChange change) {
            listener.accept(change.next());
        }
    }

    /** This node's view of a pool of the current configuration (spec §7.1 pool health), or empty if unknown. */
    public Optional<PoolHealth> poolHealth(String poolId) {
        final Pool pool = config.pools().get(poolId);
        return pool == null ? Optional.empty() : Optional.of(PoolHealth.of(pool, snapshot, settings.popName()));
    }

    /** The last health transitions (at most {@code maxEvents}), oldest first. */
    public List<HealthEvent> events() {
        return events.snapshot();
    }

    /** Runs candidate monitors once (spec §7.1 previews), sharing this monitor's probe machinery. */
    public PreviewService previews() {
        return previews;
    }

    public HealthSettings settings() {
        return settings;
    }

    /** Probe attempts in flight right now (for metrics and the load benchmark). */
    public int probesInFlight() {
        return probes.inFlight();
    }

    /** Whether an {@code allow_insecure} probe has made the trust-all probe client (tests). */
    boolean hasInsecureProbeClient() {
        return probes.hasInsecureClient();
    }

    /** Sets the recorder; its first publish covers every pool, since it saw none of the earlier ones. */
    void recorder(CheckRecorder newRecorder) {
        recorder = newRecorder;
        relabelledPools.addAll(config.pools().keySet());
        if (!relabelledPools.isEmpty()) {
            publish(true);
        }
    }

    /** Stops every check, the scheduler and the probe clients. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = false;
            for (final PoolChecks pool : checksByPool.values()) {
                pool.checks().forEach(OriginCheck::stop);
            }
            checksByPool.clear();
        }
        scheduler.shutdownNow();
        probes.close();
    }

    private void scheduleFirst(OriginCheck check) {
        final long bound = Math.min(check.plan().intervalMillis(), settings.initialSpread().toMillis());
        check.schedule(scheduler, () -> runCheck(check), ThreadLocalRandom.current().nextLong(Math.max(1, bound)));
    }

    private void runCheck(OriginCheck check) {
        if (check.stopped()) {
            return;
        }
        final long startNanos = System.nanoTime();
        try {
            probes.check(check.plan().target()).whenComplete((result, failure) ->
                    afterCheck(check, failure == null ? result : ProbeResult.fail(FailureReason.OTHER), startNanos));
        } catch (RuntimeException e) {
            afterCheck(check, ProbeResult.fail(FailureReason.OTHER), startNanos);
        }
    }

    private void afterCheck(OriginCheck check, ProbeResult result, long startNanos) {
        if (check.stopped()) {
            return;
        }
        try {
            record(check, result);
        } finally {
            // Timers run on real time: the scheduler cannot follow an injected ticker.
            final long interval = check.plan().intervalMillis();
            final double jitter = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
            final long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            check.schedule(scheduler, () -> runCheck(check), Math.max(0, (long) (interval * jitter) - elapsed));
        }
    }

    private void record(OriginCheck check, ProbeResult result) {
        final OriginTracker.Change change = check.tracker().record(result);
        recorder.checked(check.plan().target(), result);
        final PoolChecks pool = checksByPool.get(check.poolId());
        if (change.isTransition() && pool != null && pool.grouped()) {
            // One member's view; the origin's own transitions are logged when the group's verdict is published.
            recorder.transitioned(change.to());
            LOG.debug("pool " + check.labels().poolName() + " origin " + check.originKey() + ": monitor "
                    + check.role().monitorId() + " " + change.from() + " -> " + change.to());
        } else if (change.isTransition()) {
            recorder.transitioned(change.to());
            final OriginCheck.Labels labels = check.labels();
            final HealthEvent event = new HealthEvent(settings.clock().instant(), check.poolId(), labels.poolName(),
                    labels.originName(), labels.address(), labels.port(), change.from(), change.to(),
                    result.reason().text(), result.responseCode());
            events.add(event);
            if (change.to() == OriginState.HEALTHY) {
                LOG.info(event.describe());
            } else {
                LOG.warn(event.describe());
            }
        }
        if (change.healthChanged()) {
            dirtyPools.add(check.poolId());
            if (change.isTransition()) {
                requestPublish();
            }
        }
    }

    private void requestPublish() {
        if (publishQueued.compareAndSet(false, true)) {
            try {
                scheduler.schedule(() -> {
                    publishQueued.set(false);
                    publish(false);
                }, TRANSITION_COALESCE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                publishQueued.set(false);
            }
        }
    }

    private void publishIfDirty() {
        if (!dirtyPools.isEmpty()) {
            publish(false);
        }
    }

    private void publish(boolean configChanged) {
        try {
            synchronized (publishLock) {
                final Map<String, Map<String, OriginHealth>> replaced = new HashMap<>();
                for (final Iterator<String> it = dirtyPools.iterator(); it.hasNext(); ) {
                    final String poolId = it.next();
                    it.remove();
                    replaced.put(poolId, verdicts(poolId));
                }
                final HealthChange change = snapshot.replace(replaced);
                final Set<String> touched = new HashSet<>(change.pools());
                for (final Iterator<String> it = relabelledPools.iterator(); it.hasNext(); ) {
                    touched.add(it.next());
                    it.remove();
                }
                if (!change.isEmpty()) {
                    snapshot = change.next();
                    for (final Consumer<HealthChange> listener : listeners) {
                        notify(listener, change);
                    }
                } else if (!configChanged) {
                    return;
                }
                recorder.published(config, snapshot, touched);
            }
        } catch (RuntimeException e) {
            LOG.error("publishing health failed", e);
        }
    }

    /** The verdicts of a pool's origins by key, from its checks' trackers; null when there is none. */
    private Map<String, OriginHealth> verdicts(String poolId) {
        final PoolChecks pool = checksByPool.get(poolId);
        if (pool == null) {
            return null;
        }
        final Map<String, List<OriginCheck>> byOrigin = new HashMap<>();
        for (final OriginCheck check : pool.checks()) {
            if (!check.stopped()) {
                byOrigin.computeIfAbsent(check.originKey(), k -> new ArrayList<>()).add(check);
            }
        }
        final Map<String, OriginHealth> origins = new HashMap<>();
        pool.origins().forEach((originKey, labels) -> {
            final List<OriginCheck> checks = byOrigin.getOrDefault(originKey, List.of());
            final OriginHealth verdict = pool.grouped() ? MemberQuorum.verdict(checks)
                    : checks.isEmpty() ? null : checks.get(0).tracker().health();
            if (verdict == null) {
                return;
            }
            origins.put(originKey, verdict);
            if (pool.grouped()) {
                noteGroupTransition(poolId, originKey, labels, verdict);
            }
        });
        return origins.isEmpty() ? null : Map.copyOf(origins);
    }

    /** Logs and records a monitor group's verdict on an origin when its state differs from the published one. */
    private void noteGroupTransition(String poolId, String originKey, OriginCheck.Labels labels,
                                     OriginHealth verdict) {
        final OriginHealth before = snapshot.origin(poolId, originKey);
        final OriginState from = before == null ? OriginState.UNKNOWN
                : before.healthy() ? OriginState.HEALTHY : OriginState.UNHEALTHY;
        final OriginState to = verdict.healthy() ? OriginState.HEALTHY : OriginState.UNHEALTHY;
        if (from == to) {
            return;
        }
        final HealthEvent event = new HealthEvent(settings.clock().instant(), poolId, labels.poolName(),
                labels.originName(), labels.address(), labels.port(), from, to, verdict.failureReason(),
                verdict.responseCode());
        events.add(event);
        if (to == OriginState.HEALTHY) {
            LOG.info(event.describe());
        } else {
            LOG.warn(event.describe());
        }
    }

    /**
     * Each member's last result on each origin of a pool that a monitor group judges, by origin key, in member
     * order; empty for any other pool (its one monitor's result is the origin's).
     */
    public Map<String, List<MemberStatus>> memberResults(String poolId) {
        final PoolChecks pool = checksByPool.get(poolId);
        if (pool == null || !pool.grouped()) {
            return Map.of();
        }
        final Map<String, List<MemberStatus>> out = new LinkedHashMap<>();
        for (final OriginCheck check : pool.checks()) {
            final OriginCheck.Labels labels = check.labels();
            final MemberRole role = check.role();
            out.computeIfAbsent(check.originKey(), k -> new ArrayList<>()).add(new MemberStatus(role.monitorId(),
                    role.monitoringOnly(), role.mustBeHealthy(), OriginStatus.of(labels.originName(),
                            labels.address(), labels.port(), check.tracker().health())));
        }
        return out;
    }

    private static void notify(Consumer<HealthChange> listener, HealthChange change) {
        try {
            listener.accept(change);
        } catch (RuntimeException e) {
            LOG.error("health listener " + listener + " failed", e);
        }
    }
}
