package dev.fulcrum.testing;

import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdSettings;
import dev.fulcrum.etcd.PrefixWatch;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.store.EtcdConfigStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * Routers fed through a cluster's etcd, for the data-plane contract: each configuration is committed by one node's
 * {@link EtcdConfigStore} and reaches the router through another node's, as JSON values read back from etcd by its
 * watch. Each router gets a prefix of its own on one etcd member.
 */
public final class EtcdBackedRouters implements AutoCloseable {

    /** A pool id no fixture uses. */
    private static final String NO_POOL = "00000000000000000000000000000000";

    private final EtcdServer etcd;
    private final Path dir;
    private final AtomicInteger next = new AtomicInteger();
    private final List<AutoCloseable> open = new ArrayList<>();

    private EtcdBackedRouters(EtcdServer etcd, Path dir) {
        this.etcd = etcd;
        this.dir = dir;
    }

    /** Starts one etcd member under {@code dir}. */
    public static EtcdBackedRouters start(Path dir) throws Exception {
        return new EtcdBackedRouters(EtcdServer.start(dir.resolve("etcd")), dir);
    }

    /** A router serving {@code config}, written on one node and read on another. */
    public synchronized SnapshotRouter router(ConfigSnapshot config, HealthSnapshot health,
                                              RoutingSettings settings) {
        final String prefix = "/contract-" + next.incrementAndGet() + "/";
        final EtcdConfigStore writer = open(prefix, "writer");
        final EtcdConfigStore reader = open(prefix, "reader");
        final long revision = writer.commit(s -> storable(s, config)).next().revision();
        await().atMost(Duration.ofSeconds(10)).until(() -> reader.current().revision() >= revision);
        final SnapshotRouter router = new SnapshotRouter(settings);
        reader.addChangeListener(router::update);
        router.update(health);
        return router;
    }

    /**
     * The contract's configuration as a store accepts it. Its fixtures leave some load balancers without a fallback
     * pool, which the API (and so every store) refuses; such a load balancer gets a fallback id that names no pool,
     * which the router treats exactly as no fallback (530 when nothing else is usable).
     */
    private static ConfigEdit storable(ConfigSnapshot current, ConfigSnapshot config) {
        final ConfigEdit edit = ConfigEdit.between(current, config);
        for (LoadBalancer lb : config.loadBalancers().values()) {
            if (lb.fallbackPool() == null) {
                edit.put(new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(),
                        lb.description(), lb.enabled(), lb.proxied(), lb.ttl(), NO_POOL, lb.defaultPools(),
                        lb.regionPools(), lb.countryPools(), lb.popPools(), lb.steeringPolicy(), lb.randomSteering(),
                        lb.adaptiveRouting(), lb.locationStrategy(), lb.sessionAffinity(),
                        lb.sessionAffinityTtl(), lb.sessionAffinityAttributes(), lb.rules(), lb.networks(),
                        lb.poolSets()));
            }
        }
        return edit;
    }

    private EtcdConfigStore open(String prefix, String node) {
        final EtcdClient client = EtcdClient.connect(EtcdSettings.of(etcd.endpointList()));
        final PrefixWatch watch = new PrefixWatch(client, prefix, Duration.ofMinutes(1));
        final EtcdConfigStore store = EtcdConfigStore.open(client, watch, prefix, node,
                dir.resolve(prefix.replace("/", "") + "-" + node), Duration.ofSeconds(10), Clock.systemUTC());
        open.add(client);
        open.add(watch);
        open.add(store);
        if (!watch.start(Duration.ofSeconds(10))) {
            throw new IllegalStateException("etcd did not answer");
        }
        return store;
    }

    /** Closes every store and the etcd member. */
    @Override
    public synchronized void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
        etcd.close();
    }
}
