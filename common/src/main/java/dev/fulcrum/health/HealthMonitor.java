package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * <p>What is checked: every (monitor, pool, origin) where the pool is enabled and has a monitor and the origin is
 * enabled (spec §2: disabled pools and origins get no checks). One pair per pool id and origin key
 * {@code address:port}; the first origin wins if a pool lists the same key twice.
 *
 * <p>Concurrency: one small scheduler runs every timer and the publishing; probes are asynchronous I/O (see
 * {@link Probes}), so there is no thread per origin, and a {@link ProbeGate} bounds the attempts in flight. Each
 * pair re-arms its own timer when its check ends (interval ±10 % jitter, measured from the check's start), so a pair
 * never has two checks in flight. {@link #update} is serialised; a pair whose {@link CheckPlan} is unchanged keeps its
 * state and timer; a changed one is stopped, its late result dropped, and its replacement starts from its verdict
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
    private final List<Consumer<HealthSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> dirtyPools = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean publishQueued = new AtomicBoolean();
    private final Object publishLock = new Object();

    // Control path, guarded by this.
    private Map<PairKey, OriginCheck> checks = Map.of();
    private boolean started;
    private boolean closed;

    // Read by the publisher and the API without locks; replaced whole by update().
    private volatile ConfigSnapshot config = ConfigSnapshot.EMPTY;
    private volatile Map<String, List<OriginCheck>> checksByPool = Map.of();
    private volatile HealthSnapshot snapshot = HealthSnapshot.EMPTY;
    private volatile boolean running;
    private volatile CheckRecorder recorder = CheckRecorder.None.INSTANCE;

    /** A pool id and origin key: the identity of a checked pair in {@link HealthSnapshot}. */
    private record PairKey(String poolId, String originKey) {
    }

    private record Wanted(CheckPlan plan, OriginCheck.Labels labels) {
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
        for (final OriginCheck check : checks.values()) {
            scheduleFirst(check);
        }
    }

    /**
     * Applies a committed configuration: starts checks for new pairs, stops removed ones, restarts changed ones
     * from their last verdict, and keeps unchanged ones with their state. Publishes the resulting snapshot before
     * returning.
     */
    public void update(ConfigSnapshot next) {
        Objects.requireNonNull(next, "config");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("health monitor is closed");
            }
            final Map<PairKey, Wanted> wanted = plan(next);
            final Map<PairKey, OriginCheck> kept = new LinkedHashMap<>();
            final Map<PairKey, OriginTracker> changed = new HashMap<>();
            for (final Map.Entry<PairKey, OriginCheck> entry : checks.entrySet()) {
                final Wanted want = wanted.get(entry.getKey());
                final OriginCheck check = entry.getValue();
                if (want != null && want.plan().equals(check.plan())) {
                    check.relabel(want.labels());
                    kept.put(entry.getKey(), check);
                } else {
                    check.stop();
                    dirtyPools.add(check.poolId());
                    if (want != null) {
                        changed.put(entry.getKey(), check.tracker());
                    }
                }
            }
            for (final Map.Entry<PairKey, Wanted> entry : wanted.entrySet()) {
                if (kept.containsKey(entry.getKey())) {
                    continue;
                }
                final PairKey key = entry.getKey();
                final Wanted want = entry.getValue();
                final OriginCheck check = new OriginCheck(key.poolId(), key.originKey(), want.plan(), want.labels(),
                        changed.get(key));
                if (want.plan().target().configError() != null) {
                    LOG.warn("pool " + want.labels().poolName() + " (" + key.poolId()
                            + ") origin " + key.originKey() + ": monitor cannot probe: "
                            + want.plan().target().configError());
                }
                kept.put(key, check);
                if (started) {
                    scheduleFirst(check);
                }
            }
            final Map<String, List<OriginCheck>> byPool = new HashMap<>();
            for (final OriginCheck check : kept.values()) {
                byPool.computeIfAbsent(check.poolId(), id -> new ArrayList<>()).add(check);
            }
            byPool.replaceAll((id, list) -> List.copyOf(list));
            checks = kept;
            checksByPool = Map.copyOf(byPool);
            config = next;
        }
        publish(true);
    }

    private static Map<PairKey, Wanted> plan(ConfigSnapshot config) {
        final Map<PairKey, Wanted> wanted = new LinkedHashMap<>();
        for (final Pool pool : config.pools().values()) {
            if (!pool.enabled() || pool.monitor() == null) {
                continue;
            }
            final Monitor monitor = config.monitors().get(pool.monitor());
            if (monitor == null) {
                LOG.warn("pool " + pool.name() + " (" + pool.id()
                        + ") names monitor " + pool.monitor() + ", which does not exist: not checked");
                continue;
            }
            for (final Origin origin : pool.origins()) {
                if (!origin.enabled()) {
                    continue;
                }
                final String originKey = HealthSnapshot.originKey(origin.address(), origin.port());
                wanted.putIfAbsent(new PairKey(pool.id(), originKey), new Wanted(
                        CheckPlan.of(monitor, pool.id(), origin),
                        new OriginCheck.Labels(pool.name(), origin.name(), origin.address(), origin.port())));
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
        synchronized (publishLock) {
            listeners.add(listener);
            notify(listener, snapshot);
        }
    }

    public void removeListener(Consumer<HealthSnapshot> listener) {
        listeners.remove(listener);
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

    void recorder(CheckRecorder newRecorder) {
        recorder = newRecorder;
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
            for (final OriginCheck check : checks.values()) {
                check.stop();
            }
            checks = Map.of();
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
        if (change.isTransition()) {
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
                final Map<String, List<OriginCheck>> byPool = checksByPool;
                final Map<String, Map<String, OriginHealth>> pools = new HashMap<>(snapshot.pools());
                for (final Iterator<String> it = dirtyPools.iterator(); it.hasNext(); ) {
                    final String poolId = it.next();
                    it.remove();
                    final Map<String, OriginHealth> origins = new HashMap<>();
                    for (final OriginCheck check : byPool.getOrDefault(poolId, List.of())) {
                        final OriginHealth health = check.tracker().health();
                        if (health != null && !check.stopped()) {
                            origins.put(check.originKey(), health);
                        }
                    }
                    if (origins.isEmpty()) {
                        pools.remove(poolId);
                    } else {
                        pools.put(poolId, Map.copyOf(origins));
                    }
                }
                final HealthSnapshot next = new HealthSnapshot(pools);
                if (!next.equals(snapshot)) {
                    snapshot = next;
                    for (final Consumer<HealthSnapshot> listener : listeners) {
                        notify(listener, next);
                    }
                } else if (!configChanged) {
                    return;
                }
                recorder.published(config, snapshot);
            }
        } catch (RuntimeException e) {
            LOG.error("publishing health failed", e);
        }
    }

    private static void notify(Consumer<HealthSnapshot> listener, HealthSnapshot health) {
        try {
            listener.accept(health);
        } catch (RuntimeException e) {
            LOG.error("health listener " + listener + " failed", e);
        }
    }
}
