package dev.fulcrum.cluster;

import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The lease this node's health keys are bound to: granted with the cluster's TTL and renewed three times per TTL, so
 * the keys vanish about one TTL after the node dies (kill -9, power loss, partition) and stay while it lives. A lease
 * that etcd no longer knows (expired during an outage, or revoked) is replaced, and the owner re-publishes its keys
 * under the new one.
 *
 * <p>Runs on the cluster's scheduler; {@link #id()} may be read from any thread.
 */
final class NodeLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLease.class);

    private final EtcdClient client;
    private final Duration ttl;
    private final ScheduledExecutorService scheduler;
    private final Runnable onNewLease;
    private final Runnable onFailure;
    private volatile long id;
    private volatile boolean failing;
    private ScheduledFuture<?> renewal;

    /**
     * @param onNewLease told after each grant, so the owner binds its keys to the new lease
     * @param onFailure  told after each failed renewal: the member may be gone, and a watch on it silent
     */
    NodeLease(EtcdClient client, Duration ttl, ScheduledExecutorService scheduler, Runnable onNewLease,
              Runnable onFailure) {
        this.client = client;
        this.ttl = ttl;
        this.scheduler = scheduler;
        this.onNewLease = onNewLease;
        this.onFailure = onFailure;
    }

    /** The current lease, 0 while there is none. */
    long id() {
        return id;
    }

    void start() {
        final long period = Math.max(200, ttl.toMillis() / 3);
        renewal = scheduler.scheduleWithFixedDelay(this::renew, 0, period, TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            if (id == 0 || client.keepAlive(id) == 0) {
                id = client.grantLease(ttl.toSeconds());
                LOG.debug("etcd lease " + Long.toHexString(id) + " granted for " + ttl);
                onNewLease.run();
            }
            if (failing) {
                failing = false;
                LOG.info("etcd lease renewed again");
            }
        } catch (EtcdException e) {
            onFailure.run();
            if (!failing) {
                failing = true;
                LOG.warn("cannot renew this node's etcd lease (its health results "
                        + "expire from the cluster unless etcd answers again): " + e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("renewing the etcd lease failed", e);
        }
    }

    /** Stops renewing and revokes the lease, so this node's health results leave the cluster at once. */
    @Override
    public void close() {
        if (renewal != null) {
            renewal.cancel(false);
        }
        final long current = id;
        id = 0;
        if (current != 0) {
            try {
                client.revokeLease(current);
            } catch (EtcdException e) {
                LOG.debug("revoking the etcd lease: " + e.getMessage());
            }
        }
    }
}
