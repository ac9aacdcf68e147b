package dev.fulcrum.cluster;

import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdException;
import dev.fulcrum.etcd.PrefixWatch;
import dev.fulcrum.health.HealthChange;
import dev.fulcrum.store.EtcdConfigStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * This node's membership of a cluster: one etcd client, one watch of the cluster's prefix, and what hangs on it: the
 * configuration store, the shared secrets, the cluster's health picture, and the lease that keeps this node's
 * published health alive.
 *
 * <p>Start: the watch reads everything (waiting up to {@link ClusterSettings#firstRead()}); when etcd cannot be read
 * the node starts from its local copy, or refuses to start when it has none. The secrets are reconciled before
 * {@link #start} returns when etcd answered. Stop: the lease is revoked first, so the other nodes drop this node's
 * health at once, then the watch, the store (its local copy flushed) and the client close.
 */
public final class ClusterNode implements AutoCloseable {

    /** The local copy's directory, inside the data directory. */
    public static final String COPY_DIR = "etcd-copy";
    /** Silence after which a watch stream is reopened: etcd sends progress notifications every 10 minutes. */
    static final Duration WATCH_IDLE = Duration.ofMinutes(11);

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final ClusterSettings settings;
    private final EtcdClient client;
    private final ScheduledThreadPoolExecutor scheduler;
    private final PrefixWatch watch;
    private final EtcdConfigStore store;
    private final SharedSecrets secrets;
    private final ClusterHealth health;
    private final HealthPublisher publisher;
    private final NodeLease lease;

    private ClusterNode(ClusterSettings settings, EtcdClient client, ScheduledThreadPoolExecutor scheduler,
                        PrefixWatch watch, EtcdConfigStore store, SharedSecrets secrets, ClusterHealth health,
                        HealthPublisher publisher, NodeLease lease) {
        this.settings = settings;
        this.client = client;
        this.scheduler = scheduler;
        this.watch = watch;
        this.store = store;
        this.secrets = secrets;
        this.health = health;
        this.publisher = publisher;
        this.lease = lease;
    }

    /** What a node brings of its own: where and what it is, and its secrets before it meets the cluster's. */
    public record Local(Path dataDir, String region, String pop, SharedSecrets.Token explicitToken,
                        SharedSecrets.Token fallbackToken, String explicitAffinityKey, String fallbackAffinityKey) {
    }

    /**
     * Joins the cluster.
     *
     * @throws IllegalStateException when etcd cannot be read and there is no local copy to start from, or the
     *                               local copy cannot be opened (the message says what to do)
     */
    public static ClusterNode start(ClusterSettings settings, Local local, Clock clock) {
        final EtcdClient client = EtcdClient.connect(settings.etcd());
        final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            final Thread t = new Thread(r, "fulcrum-cluster");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        PrefixWatch watch = null;
        EtcdConfigStore store = null;
        try {
            watch = new PrefixWatch(client, settings.prefix(), WATCH_IDLE);
            final Path copyDir = local.dataDir().resolve(COPY_DIR);
            store = EtcdConfigStore.open(client, watch, settings.prefix(), settings.nodeName(), copyDir,
                    settings.writeTimeout(), clock);
            final SharedSecrets secrets = new SharedSecrets(client, scheduler, settings.prefix());
            secrets.startWith(local.explicitToken(), local.fallbackToken(), local.explicitAffinityKey(),
                    local.fallbackAffinityKey());
            watch.register("secrets/", secrets.handler());
            final ClusterHealth health = new ClusterHealth(settings.prefix(), settings.nodeName(), local.region(),
                    settings.leaseTtl(), scheduler);
            watch.register("nodes/", health.nodesHandler());
            watch.register("health/", health.resultsHandler());
            final HealthPublisher publisher = new HealthPublisher(client, scheduler, settings.prefix(),
                    new HealthJson.Node(settings.nodeName(), local.region(), local.pop(), clock.instant()), clock);
            final PrefixWatch w = watch;
            final NodeLease[] holder = new NodeLease[1];
            holder[0] = new NodeLease(client, settings.leaseTtl(), scheduler,
                    () -> publisher.newLease(holder[0].id()), w::reconnect);
            final boolean loaded = watch.start(settings.firstRead());
            if (!loaded && !store.hasLocalCopy()) {
                throw new IllegalStateException("etcd cannot be read (" + settings.etcd().endpoints() + ") and this "
                        + "node has no local copy in " + copyDir + " to start from: start it once while etcd "
                        + "answers");
            }
            if (loaded) {
                warnIfNameTaken(client, settings);
                if (!secrets.awaitReconciled(settings.writeTimeout())) {
                    LOG.warn("the shared secrets could not be stored in etcd yet; this "
                            + "node uses its own until they can");
                }
            } else {
                LOG.warn("etcd cannot be read (" + settings.etcd().endpoints() + "): "
                        + "serving the local copy of the configuration (revision " + store.current().revision()
                        + ") until it answers; API writes are refused meanwhile");
            }
            store.addChangeListener(health::config);
            holder[0].start();
            return new ClusterNode(settings, client, scheduler, watch, store, secrets, health, publisher,
                    holder[0]);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            if (watch != null) {
                watch.close();
            }
            if (store != null) {
                store.close();
            }
            client.close();
            throw e;
        }
    }

    /**
     * Two nodes of one name would overwrite each other's health results: a registration that is not this node's is
     * reported (it may also be this node's own, from a restart within one lease TTL).
     */
    private static void warnIfNameTaken(EtcdClient client, ClusterSettings settings) {
        try {
            if (!client.get(settings.prefix() + "nodes/" + settings.nodeName()).kvs().isEmpty()) {
                LOG.warn("a node named '" + settings.nodeName() + "' is already in "
                        + "the cluster: give every node its own --node-name (or this node restarted within its "
                        + "lease TTL, " + settings.leaseTtl() + ")");
            }
        } catch (EtcdException e) {
            // etcd went away again; the watch reports it
        }
    }

    public ClusterSettings settings() {
        return settings;
    }

    public EtcdConfigStore store() {
        return store;
    }

    public SharedSecrets secrets() {
        return secrets;
    }

    public ClusterHealth health() {
        return health;
    }

    /** The local health engine's changes: published to the cluster and folded into this node's verdicts. */
    public void localHealth(HealthChange change) {
        publisher.accept(change);
        health.local(change);
    }

    /** True while the watch is live (the node follows etcd and can write). */
    public boolean isConnected() {
        return watch.isLive();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lease.close();
        watch.close();
        store.close();
        client.close();
    }
}
