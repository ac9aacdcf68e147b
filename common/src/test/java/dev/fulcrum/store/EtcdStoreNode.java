package dev.fulcrum.store;

import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdSettings;
import dev.fulcrum.etcd.PrefixWatch;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** One node's side of the etcd store for tests: a client, the node's watch and its store, closed together. */
final class EtcdStoreNode implements AutoCloseable {

    final EtcdClient client;
    final PrefixWatch watch;
    final EtcdConfigStore store;
    final boolean loaded;

    private EtcdStoreNode(EtcdClient client, PrefixWatch watch, EtcdConfigStore store, boolean loaded) {
        this.client = client;
        this.watch = watch;
        this.store = store;
        this.loaded = loaded;
    }

    static EtcdStoreNode open(List<URI> endpoints, String prefix, Path copyDir) {
        return open(endpoints, prefix, copyDir, Duration.ofSeconds(10));
    }

    static EtcdStoreNode open(List<URI> endpoints, String prefix, Path copyDir, Duration firstRead) {
        final EtcdClient client = EtcdClient.connect(EtcdSettings.of(endpoints)
                .withTimeouts(Duration.ofSeconds(2), EtcdSettings.DEFAULT_TOKEN_REFRESH));
        final PrefixWatch watch = new PrefixWatch(client, prefix, Duration.ofSeconds(30));
        final EtcdConfigStore store = EtcdConfigStore.open(client, watch, prefix, copyDir.getFileName().toString(),
                copyDir, Duration.ofSeconds(5), Clock.systemUTC());
        final boolean loaded = watch.start(firstRead);
        return new EtcdStoreNode(client, watch, store, loaded);
    }

    @Override
    public void close() {
        store.close();
        watch.close();
        client.close();
    }

    /** Creates a pool named {@code name}, refusing a name already taken (what the API's 1003 does). */
    static ConfigEdit createPool(ConfigSnapshot s, String name) {
        for (Pool p : s.pools().values()) {
            if (p.name().equals(name)) {
                throw new NameTaken(name);
            }
        }
        return ConfigEdit.putting(StoreFixtures.pool(Ids.newId(), name));
    }

    /** A load balancer on an existing pool (refused when the pool is gone, as the API's 1002 does). */
    static ConfigEdit createLoadBalancer(ConfigSnapshot s, String lbId, String poolId) {
        if (!s.pools().containsKey(poolId)) {
            throw new IllegalStateException("pool " + poolId + " is gone");
        }
        return ConfigEdit.putting(StoreFixtures.loadBalancer(lbId, poolId));
    }

    /** Deletes a pool no load balancer uses (refused otherwise, as the API's 1005 does). */
    static ConfigEdit deletePool(ConfigSnapshot s, String poolId) {
        for (LoadBalancer lb : s.loadBalancers().values()) {
            if (lb.defaultPools().contains(poolId) || poolId.equals(lb.fallbackPool())) {
                throw new IllegalStateException("pool " + poolId + " is referenced");
            }
        }
        return ConfigEdit.deleting(ConfigKind.POOL, poolId);
    }

    static final class NameTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NameTaken(String name) {
            super("name taken: " + name);
        }
    }
}
