package dev.fulcrum.cluster;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Pool;
import dev.fulcrum.etcd.KeyValue;
import dev.fulcrum.etcd.PrefixWatch;
import dev.fulcrum.etcd.WatchEvent;
import dev.fulcrum.health.ClusterVerdicts;
import dev.fulcrum.health.HealthChange;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.NodeResults;
import dev.fulcrum.health.OriginHealth;
import dev.fulcrum.health.PoolHealth;
import dev.fulcrum.health.PopHealthSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One health picture for the cluster, from this node's side: the other live nodes' published verdicts (watched
 * under {@code nodes/} and {@code health/}), this node's own, and the configuration's {@code health_sources} and
 * {@code check_regions}, combined by {@link ClusterVerdicts} into the verdicts this node steers on, published to
 * the router as {@link HealthChange}s; and {@code pop_health} with one entry per live node.
 *
 * <p>Live nodes: a node is live while its {@code nodes/<node>} key exists (bound to its lease, so a dead node leaves
 * one lease TTL after it stopped renewing). While this node's watch is broken, other nodes' results are trusted for
 * one lease TTL more (etcd would have told of their expiry), then ignored: the node steers on its own probes until
 * the watch is back.
 *
 * <p>Cost: a change recomputes only the pools it touches (one node's key for one pool, a local change, a changed
 * pool); only a node joining or leaving, and a full read, recompute every pool. While no other node is live the
 * verdicts are this node's own, passed through unchanged.
 *
 * <p>Concurrency: every input is applied under one lock; listeners run under it, in order, and must be quick.
 */
public final class ClusterHealth implements PopHealthSource {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterHealth.class);

    private final String self;
    private final String region;
    private final String nodesPrefix;
    private final String healthPrefix;
    private final Duration staleAfter;
    private final ScheduledExecutorService scheduler;
    private final List<Consumer<HealthChange>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();

    // Guarded by lock.
    private final Map<String, HealthJson.Node> nodes = new TreeMap<>();
    private final Map<String, HealthSnapshot> results = new HashMap<>();
    private HealthSnapshot local = HealthSnapshot.EMPTY;
    private ConfigSnapshot config = ConfigSnapshot.EMPTY;
    private HealthSnapshot effective = HealthSnapshot.EMPTY;
    private boolean watchLive = true;
    private long lostAtNanos;
    private volatile List<NodeResults> othersView = List.of();

    ClusterHealth(String prefix, String self, String region, Duration staleAfter, ScheduledExecutorService scheduler) {
        this.self = self;
        this.region = region;
        this.nodesPrefix = prefix + "nodes/";
        this.healthPrefix = prefix + "health/";
        this.staleAfter = staleAfter;
        this.scheduler = scheduler;
    }

    /** This node's name. */
    public String nodeName() {
        return self;
    }

    /** Registers a listener and tells it at once the change from nothing to the current verdicts. */
    public void addChangeListener(Consumer<HealthChange> listener) {
        synchronized (lock) {
            listeners.add(listener);
            listener.accept(HealthChange.between(HealthSnapshot.EMPTY, effective));
        }
    }

    /** The verdicts this node steers on now. */
    public HealthSnapshot snapshot() {
        synchronized (lock) {
            return effective;
        }
    }

    /** The names of the live nodes, this one included, sorted. */
    public List<String> liveNodes() {
        final List<String> names = new ArrayList<>();
        names.add(self);
        othersView.forEach(n -> names.add(n.node()));
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** {@code pop_health}: this node's view first, then every other live node's, by name. */
    @Override
    public List<PoolHealth> popHealth(Pool pool) {
        final HealthSnapshot own;
        synchronized (lock) {
            own = local;
        }
        final List<PoolHealth> out = new ArrayList<>();
        out.add(PoolHealth.of(pool, own, self));
        for (NodeResults other : othersView) {
            out.add(PoolHealth.of(pool, other.results(), other.node()));
        }
        return out;
    }

    // ---- inputs ------------------------------------------------------------------------------------------------

    /** This node's health engine's change. */
    void local(HealthChange change) {
        synchronized (lock) {
            local = change.next();
            if (othersView.isEmpty()) {
                publish(effective == change.previous() ? change : HealthChange.between(effective, local));
            } else {
                recompute(change.pools());
            }
        }
    }

    /** A configuration change: pools whose sources or regions may have changed. */
    void config(ConfigChange change) {
        synchronized (lock) {
            config = change.next();
            if (!othersView.isEmpty()) {
                recompute(change.pools());
            }
        }
    }

    /** The watch's handler for {@code nodes/} and {@code health/}. */
    PrefixWatch.Handler nodesHandler() {
        return new PrefixWatch.Handler() {
            @Override
            public void reset(long revision, List<KeyValue> kvs) {
                synchronized (lock) {
                    nodes.clear();
                    kvs.forEach(kv -> putNode(kv));
                    membershipChanged();
                }
            }

            @Override
            public void apply(List<WatchEvent> events) {
                synchronized (lock) {
                    for (WatchEvent event : events) {
                        if (event.type() == WatchEvent.Type.DELETE) {
                            nodes.remove(event.kv().key().substring(nodesPrefix.length()));
                        } else {
                            putNode(event.kv());
                        }
                    }
                    membershipChanged();
                }
            }

            @Override
            public void connected(boolean live) {
                watchState(live);
            }
        };
    }

    PrefixWatch.Handler resultsHandler() {
        return new PrefixWatch.Handler() {
            @Override
            public void reset(long revision, List<KeyValue> kvs) {
                synchronized (lock) {
                    results.clear();
                    final Map<String, Map<String, Map<String, OriginHealth>>> byNode = new HashMap<>();
                    for (KeyValue kv : kvs) {
                        final String[] parts = split(kv.key());
                        final Map<String, OriginHealth> pool = parts == null ? null : decode(kv);
                        if (pool != null) {
                            byNode.computeIfAbsent(parts[0], n -> new HashMap<>()).put(parts[1], pool);
                        }
                    }
                    byNode.forEach((node, pools) -> results.put(node, new HealthSnapshot(pools)));
                    refreshView();
                    recomputeAll();
                }
            }

            @Override
            public void apply(List<WatchEvent> events) {
                synchronized (lock) {
                    final Set<String> touched = new HashSet<>();
                    for (WatchEvent event : events) {
                        final String[] parts = split(event.kv().key());
                        if (parts == null || parts[0].equals(self)) {
                            continue;
                        }
                        final Map<String, OriginHealth> pool = event.type() == WatchEvent.Type.DELETE ? null
                                : decode(event.kv());
                        final HealthSnapshot before = results.getOrDefault(parts[0], HealthSnapshot.EMPTY);
                        final Map<String, Map<String, OriginHealth>> replaced = new HashMap<>();
                        replaced.put(parts[1], pool);
                        results.put(parts[0], before.replace(replaced).next());
                        touched.add(parts[1]);
                    }
                    refreshView();
                    recompute(touched);
                }
            }
        };
    }

    // ---- computing ---------------------------------------------------------------------------------------------

    private void putNode(KeyValue kv) {
        try {
            final HealthJson.Node node = HealthJson.node(kv.value());
            nodes.put(kv.key().substring(nodesPrefix.length()), node);
        } catch (IOException | RuntimeException e) {
            LOG.warn("etcd key " + kv.key() + " is not a node description: " + e);
        }
    }

    private String[] split(String key) {
        final String rest = key.substring(healthPrefix.length());
        final int slash = rest.indexOf('/');
        return slash <= 0 || slash == rest.length() - 1 ? null
                : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    private static Map<String, OriginHealth> decode(KeyValue kv) {
        try {
            return HealthJson.pool(kv.value());
        } catch (IOException | RuntimeException e) {
            LOG.warn("etcd key " + kv.key() + " is not a pool's health results: " + e);
            return null;
        }
    }

    private void watchState(boolean live) {
        synchronized (lock) {
            watchLive = live;
            if (!live) {
                lostAtNanos = System.nanoTime();
                // Re-examine once the other nodes' results can no longer be trusted.
                try {
                    scheduler.schedule(() -> {
                        synchronized (lock) {
                            membershipChanged();
                        }
                    }, staleAfter.toMillis() + 50, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    return;
                }
            }
            membershipChanged();
        }
    }

    private void membershipChanged() {
        final List<NodeResults> before = othersView;
        refreshView();
        if (!sameNodes(before, othersView)) {
            LOG.info("cluster nodes: " + liveNodes());
            recomputeAll();
        }
    }

    private static boolean sameNodes(List<NodeResults> a, List<NodeResults> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).node().equals(b.get(i).node())) {
                return false;
            }
        }
        return true;
    }

    /** The other nodes whose results count now: live, and trusted while the watch works (or lately did). */
    private void refreshView() {
        final boolean trusted = watchLive || System.nanoTime() - lostAtNanos < staleAfter.toNanos();
        final List<NodeResults> view = new ArrayList<>();
        if (trusted) {
            for (Map.Entry<String, HealthJson.Node> e : nodes.entrySet()) {
                if (!e.getKey().equals(self)) {
                    view.add(new NodeResults(e.getKey(), e.getValue().region(),
                            results.getOrDefault(e.getKey(), HealthSnapshot.EMPTY)));
                }
            }
        }
        othersView = List.copyOf(view);
    }

    private void recomputeAll() {
        if (othersView.isEmpty()) {
            passThrough();
            return;
        }
        final Set<String> pools = new HashSet<>(config.pools().keySet());
        pools.addAll(effective.pools().keySet());
        recompute(pools);
    }

    private void passThrough() {
        publish(HealthChange.between(effective, local));
    }

    private void recompute(Set<String> pools) {
        if (pools.isEmpty()) {
            return;
        }
        final NodeResults me = new NodeResults(self, region, local);
        final Map<String, Map<String, OriginHealth>> replaced = new HashMap<>();
        for (String id : pools) {
            final Pool pool = config.pools().get(id);
            if (pool == null || !pool.monitored()) {
                replaced.put(id, null);
            } else {
                replaced.put(id, ClusterVerdicts.forPool(pool, me, othersView));
            }
        }
        publish(effective.replace(replaced));
    }

    private void publish(HealthChange change) {
        if (change.isEmpty() && change.next() == effective) {
            return;
        }
        effective = change.next();
        for (Consumer<HealthChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.error("health listener " + listener + " failed", e);
            }
        }
    }
}
