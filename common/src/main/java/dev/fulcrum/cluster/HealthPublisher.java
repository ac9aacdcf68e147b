package dev.fulcrum.cluster;

import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdException;
import dev.fulcrum.etcd.Txn;
import dev.fulcrum.health.HealthChange;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.OriginHealth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes this node's probe verdicts to etcd for the other nodes: {@code nodes/<node>} (what the node is) and one
 * {@code health/<node>/<pool>} key per pool with a monitor, every key bound to the node's lease.
 *
 * <p>What is written and when: a pool's key is rewritten when a verdict, failure reason or response code changes
 * (within {@value #COALESCE_MILLIS} ms, batched with the other pools that changed meanwhile); a change of round-trip
 * times alone is written at most every {@link #RTT_PERIOD}, since the health engine republishes them every few
 * seconds and thousands of pools would otherwise keep etcd busy for nothing. Pools that lost their monitor are
 * deleted. With a new lease (the first one, or one that replaced an expired lease) everything is written again.
 * Failed writes (etcd unreachable) are retried every second until they pass.
 *
 * <p>Concurrency: {@link #accept} records which pools changed and returns; the writes run on the cluster's
 * scheduler, one flush at a time.
 */
final class HealthPublisher {

    static final long COALESCE_MILLIS = 100;
    static final Duration RTT_PERIOD = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(HealthPublisher.class);
    private static final int MAX_OPS = 100;

    private final EtcdClient client;
    private final ScheduledExecutorService scheduler;
    private final String nodeKey;
    private final String healthPrefix;
    private final HealthJson.Node self;
    private final Clock clock;
    private final Object lock = new Object();

    // Guarded by lock.
    private HealthSnapshot latest = HealthSnapshot.EMPTY;
    private final Set<String> dirty = new HashSet<>();
    private boolean flushQueued;
    private boolean republish;
    private long lease;
    // Touched by the flush only (one at a time, on the scheduler).
    private final Map<String, Map<String, OriginHealth>> written = new HashMap<>();
    private final Map<String, Instant> writtenAt = new HashMap<>();
    private boolean failing;

    HealthPublisher(EtcdClient client, ScheduledExecutorService scheduler, String prefix, HealthJson.Node self,
                    Clock clock) {
        this.client = client;
        this.scheduler = scheduler;
        this.nodeKey = prefix + "nodes/" + self.name();
        this.healthPrefix = prefix + "health/" + self.name() + "/";
        this.self = self;
        this.clock = clock;
        scheduler.scheduleWithFixedDelay(this::retry, 1, 1, TimeUnit.SECONDS);
    }

    /** The health engine's change: the pools it names are written soon. */
    void accept(HealthChange change) {
        synchronized (lock) {
            latest = change.next();
            dirty.addAll(change.pools());
            queueFlush();
        }
    }

    /** A new lease: the node key and every pool are written again, bound to it. */
    void newLease(long leaseId) {
        synchronized (lock) {
            lease = leaseId;
            republish = true;
            dirty.addAll(latest.pools().keySet());
            queueFlush();
        }
    }

    private void queueFlush() {
        if (!flushQueued) {
            try {
                scheduler.schedule(this::flush, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
                flushQueued = true;
            } catch (RejectedExecutionException stopping) {
                // the node is leaving the cluster
            }
        }
    }

    private void retry() {
        synchronized (lock) {
            if (dirty.isEmpty() && !republish) {
                return;
            }
            queueFlush();
        }
    }

    private void flush() {
        final HealthSnapshot snapshot;
        final Set<String> pools;
        final boolean all;
        final long leaseId;
        synchronized (lock) {
            flushQueued = false;
            if (lease == 0) {
                return;
            }
            snapshot = latest;
            pools = new HashSet<>(dirty);
            dirty.clear();
            all = republish;
            republish = false;
            leaseId = lease;
        }
        final Instant now = clock.instant();
        final List<String> deferred = new ArrayList<>();
        final List<Txn> txns = new ArrayList<>();
        Txn txn = new Txn();
        if (all) {
            txn.put(nodeKey, HealthJson.node(self), leaseId);
        }
        final Map<String, Map<String, OriginHealth>> sent = new HashMap<>();
        for (String pool : pools) {
            final Map<String, OriginHealth> now1 = snapshot.pools().get(pool);
            final Map<String, OriginHealth> before = written.get(pool);
            if (!all && Objects.equals(now1, before)) {
                continue;
            }
            if (!all && now1 != null && before != null && sameVerdicts(now1, before)
                    && now.isBefore(writtenAt.getOrDefault(pool, Instant.MIN).plus(RTT_PERIOD))) {
                deferred.add(pool);
                continue;
            }
            if (txn.operations() >= MAX_OPS) {
                txns.add(txn);
                txn = new Txn();
            }
            if (now1 == null) {
                txn.delete(healthPrefix + pool);
            } else {
                txn.put(healthPrefix + pool, HealthJson.pool(now1, now), leaseId);
            }
            sent.put(pool, now1);
        }
        if (txn.operations() > 0) {
            txns.add(txn);
        }
        int done = 0;
        try {
            for (Txn t : txns) {
                client.txn(t);
                done++;
            }
            sent.forEach((pool, results) -> {
                if (results == null) {
                    written.remove(pool);
                    writtenAt.remove(pool);
                } else {
                    written.put(pool, results);
                    writtenAt.put(pool, now);
                }
            });
            if (failing) {
                failing = false;
                LOG.info("health results published to etcd again");
            }
        } catch (EtcdException e) {
            if (!failing) {
                failing = true;
                LOG.warn("cannot publish this node's health results to etcd (retried "
                        + "every second): " + e.getMessage());
            }
            synchronized (lock) {
                dirty.addAll(pools);
                republish |= all && done == 0;
            }
        }
        if (!deferred.isEmpty()) {
            synchronized (lock) {
                dirty.addAll(deferred);
            }
        }
    }

    /** Same origins with the same verdicts, reasons and codes: only round-trip times may differ. */
    private static boolean sameVerdicts(Map<String, OriginHealth> a, Map<String, OriginHealth> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, OriginHealth> e : a.entrySet()) {
            final OriginHealth other = b.get(e.getKey());
            final OriginHealth mine = e.getValue();
            if (mine.failed() != other.failed() || !Objects.equals(mine.failureReason(), other.failureReason())
                    || mine.responseCode() != other.responseCode()) {
                return false;
            }
        }
        return true;
    }
}
