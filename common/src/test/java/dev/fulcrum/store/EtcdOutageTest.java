package dev.fulcrum.store;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.testing.EtcdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** etcd going away and coming back: a killed member, a whole cluster down, a node restarted meanwhile. */
class EtcdOutageTest {

    @TempDir
    Path dir;

    @Test
    void etcdKilledAndRestartedNodesServeThenCatchUp() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"));
             EtcdStoreNode a = EtcdStoreNode.open(etcd.endpointList(), "/f/", dir.resolve("a"));
             EtcdStoreNode b = EtcdStoreNode.open(etcd.endpointList(), "/f/", dir.resolve("b"))) {
            final String id = a.store.commit(s -> EtcdStoreNode.createPool(s, "before")).pools().iterator().next();
            await().until(() -> b.store.current().pools().containsKey(id));

            etcd.kill();
            final ConfigSnapshot served = b.store.current();
            assertThatThrownBy(() -> a.store.commit(s -> EtcdStoreNode.createPool(s, "during")))
                    .isInstanceOfSatisfying(StoreUnavailableException.class,
                            e -> assertThat(e.maybeApplied()).isFalse());
            assertThat(a.store.current().pools()).containsOnlyKeys(id);
            assertThat(b.store.current()).isSameAs(served);
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.store.isConnected() && !b.store.isConnected());

            etcd.restart();
            await().atMost(Duration.ofSeconds(15)).until(() -> a.store.isConnected() && b.store.isConnected());
            final String after = a.store.commit(s -> EtcdStoreNode.createPool(s, "after")).pools().iterator()
                    .next();
            await().atMost(Duration.ofSeconds(5)).until(() -> b.store.current().pools().containsKey(after));
            assertThat(b.store.current().pools()).containsOnlyKeys(id, after);
        }
    }

    @Test
    void aNodeRestartedWhileEtcdIsDownServesItsLocalCopy() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"))) {
            final ConfigSnapshot last;
            try (EtcdStoreNode a = EtcdStoreNode.open(etcd.endpointList(), "/f/", dir.resolve("a"))) {
                a.store.commit(s -> EtcdStoreNode.createPool(s, "one"));
                a.store.commit(s -> EtcdStoreNode.createPool(s, "two"));
                last = a.store.current();
            }
            etcd.kill();
            try (EtcdStoreNode again = EtcdStoreNode.open(etcd.endpointList(), "/f/", dir.resolve("a"),
                    Duration.ofMillis(300))) {
                assertThat(again.loaded).isFalse();
                assertThat(again.store.hasLocalCopy()).isTrue();
                assertThat(again.store.current()).isEqualTo(last);
                assertThatThrownBy(() -> again.store.commit(s -> EtcdStoreNode.createPool(s, "three")))
                        .isInstanceOf(StoreUnavailableException.class);

                // Meanwhile etcd comes back with a change this node has not seen.
                etcd.restart();
                try (EtcdStoreNode other = EtcdStoreNode.open(etcd.endpointList(), "/f/", dir.resolve("b"))) {
                    other.store.commit(s -> EtcdStoreNode.createPool(s, "three"));
                    await().atMost(Duration.ofSeconds(15)).until(() -> again.store.loadedFromEtcd()
                            && again.store.current().equals(other.store.current()));
                }
            }
        }
    }

    @Test
    void aFreshNodeWithoutEtcdOrCopyHasNothingToServe() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"))) {
            etcd.kill();
            try (EtcdStoreNode fresh = EtcdStoreNode.open(etcd.endpointList(), "/f/", dir.resolve("fresh"),
                    Duration.ofMillis(300))) {
                assertThat(fresh.loaded).isFalse();
                assertThat(fresh.store.hasLocalCopy()).isFalse();
            }
        }
    }

    @Test
    void aThreeMemberClusterLosingOneMemberKeepsWorking() throws Exception {
        try (EtcdServer etcd = EtcdServer.cluster(dir.resolve("etcd"), 3);
             EtcdStoreNode a = EtcdStoreNode.open(etcd.endpointList(), "/f/", dir.resolve("a"));
             EtcdStoreNode b = EtcdStoreNode.open(List.of(etcd.endpointList().get(1), etcd.endpointList().get(2),
                     etcd.endpointList().get(0)), "/f/", dir.resolve("b"))) {
            final String first = a.store.commit(s -> EtcdStoreNode.createPool(s, "first")).pools().iterator()
                    .next();
            await().until(() -> b.store.current().pools().containsKey(first));
            // Lose the member both nodes' watches and writes use first (a uses m0; b's watch runs on m1).
            final URI lost = a.client.preferredEndpoint();
            etcd.member(etcd.endpointList().indexOf(lost)).kill();

            final String second = a.store.commit(s -> EtcdStoreNode.createPool(s, "second")).pools().iterator()
                    .next();
            assertThat(a.client.preferredEndpoint()).isNotEqualTo(lost);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.store.current().pools().containsKey(second));
            final String third = b.store.commit(s -> EtcdStoreNode.createPool(s, "third")).pools().iterator()
                    .next();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.store.current().pools().containsKey(third));
            assertThat(a.store.current()).isEqualTo(b.store.current());
        }
    }
}
