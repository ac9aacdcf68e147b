package dev.fulcrum.store;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.Pool;
import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdSettings;
import dev.fulcrum.testing.EtcdServer;
import dev.fulcrum.testing.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Several nodes on one real etcd: what one writes the others serve, and concurrent writers lose nothing. */
class EtcdConfigStoreTest {

    @TempDir
    static Path shared;

    private static EtcdServer etcd;

    @TempDir
    Path dir;

    private String prefix;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start(shared);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void prefix(TestInfo test) {
        prefix = "/" + test.getTestMethod().orElseThrow().getName() + "/";
    }

    private EtcdStoreNode node(String name) {
        return EtcdStoreNode.open(etcd.endpointList(), prefix, dir.resolve(name));
    }

    @Test
    void aWriteOnOneNodeServesOnEveryNode() {
        try (EtcdStoreNode a = node("a"); EtcdStoreNode b = node("b")) {
            assertThat(a.loaded).isTrue();
            final List<ConfigChange> seenByB = new CopyOnWriteArrayList<>();
            b.store.addChangeListener(seenByB::add);

            final ConfigChange created = a.store.commit(s -> EtcdStoreNode.createPool(s, "web"));
            assertThat(created.pools()).hasSize(1);
            final String id = created.pools().iterator().next();
            // Acknowledged after etcd committed it, and served by the writer at once.
            assertThat(a.store.current().pools()).containsKey(id);
            assertThat(a.store.current().revision()).isEqualTo(created.next().revision());

            await().atMost(Duration.ofSeconds(5)).until(() -> b.store.current().pools().containsKey(id));
            assertThat(b.store.current().revision()).isEqualTo(a.store.current().revision());
            assertThat(b.store.current().pools().get(id)).isEqualTo(a.store.current().pools().get(id));
            // Each change arrived as a difference naming the pool, not as a reload.
            assertThat(seenByB.get(seenByB.size() - 1).pools()).containsExactly(id);

            b.store.commit(s -> ConfigEdit.deleting(ConfigKind.POOL, id));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.store.current().pools().isEmpty());
            assertThat(a.store.current().revision()).isEqualTo(b.store.current().revision());
        }
    }

    @Test
    void everyKindOfObjectIsOneKeyServedOnEveryNodeAndReadBackByANewOne() {
        final ConfigSnapshot written;
        try (EtcdStoreNode a = node("a"); EtcdStoreNode b = node("b")) {
            written = a.store.commit(s -> ConfigEdit.between(s, StoreFixtures.everyKind(s))).next();
            assertThat(written.monitorGroups()).hasSize(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.store.current().monitorGroups().size() == 1);
            for (ConfigKind kind : ConfigKind.values()) {
                assertThat(b.store.current().objects(kind)).as(kind.storeName()).isEqualTo(written.objects(kind));
            }
        }
        try (EtcdStoreNode c = node("c")) {
            for (ConfigKind kind : ConfigKind.values()) {
                assertThat(c.store.current().objects(kind)).as(kind.storeName()).isEqualTo(written.objects(kind));
            }
        }
    }

    @Test
    void concurrentWritersOnThreeNodesLoseNothingAndKeepNamesUnique() throws Exception {
        final int perNode = 12;
        final List<EtcdStoreNode> nodes = List.of(node("a"), node("b"), node("c"));
        try {
            final Set<String> winners = ConcurrentHashMap.newKeySet();
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            final CountDownLatch go = new CountDownLatch(1);
            final List<Thread> writers = new ArrayList<>();
            for (int n = 0; n < nodes.size(); n++) {
                final EtcdStoreNode node = nodes.get(n);
                final String name = "node" + n;
                final Thread writer = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < perNode; i++) {
                            final int index = i;
                            node.store.commit(s -> EtcdStoreNode.createPool(s, name + "-" + index));
                            // Every node also races for the same few names: one creation each, whoever wins.
                            try {
                                node.store.commit(s -> EtcdStoreNode.createPool(s, "shared-" + (index % 4)));
                                winners.add(name + " shared-" + (index % 4));
                            } catch (EtcdStoreNode.NameTaken expected) {
                                // another node created it first, and this one saw it
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
                writer.start();
                writers.add(writer);
            }
            go.countDown();
            for (Thread writer : writers) {
                writer.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(failures).isEmpty();
            assertThat(winners).hasSize(4);

            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream()
                    .map(n -> n.store.current().revision()).distinct().count() == 1);
            for (EtcdStoreNode node : nodes) {
                final List<String> names = node.store.current().pools().values().stream().map(Pool::name).sorted()
                        .toList();
                assertThat(names).hasSize(3 * perNode + 4).doesNotHaveDuplicates();
                assertThat(node.store.current()).isEqualTo(nodes.get(0).store.current());
            }
        } finally {
            nodes.forEach(EtcdStoreNode::close);
        }
    }

    @Test
    void referencesHoldAcrossNodes() throws Exception {
        try (EtcdStoreNode a = node("a"); EtcdStoreNode b = node("b")) {
            for (int round = 0; round < 8; round++) {
                final String poolId = a.store.commit(s -> EtcdStoreNode.createPool(s, "p" + System.nanoTime()))
                        .pools().iterator().next();
                await().until(() -> b.store.current().pools().containsKey(poolId));
                final String lbId = Ids.newId();
                final CountDownLatch go = new CountDownLatch(1);
                final Thread deleter = new Thread(() -> {
                    try {
                        go.await();
                        a.store.commit(s -> EtcdStoreNode.deletePool(s, poolId));
                    } catch (IllegalStateException | InterruptedException refused) {
                        // the load balancer came first
                    }
                });
                deleter.start();
                go.countDown();
                try {
                    b.store.commit(s -> EtcdStoreNode.createLoadBalancer(s, lbId, poolId));
                } catch (IllegalStateException refused) {
                    // the delete came first
                }
                deleter.join(10_000);
                await().until(() -> a.store.current().revision() == b.store.current().revision());
                final ConfigSnapshot end = a.store.current();
                // Never both: a load balancer naming a pool that no longer exists.
                assertThat(end.loadBalancers().containsKey(lbId) && !end.pools().containsKey(poolId)).isFalse();
                assertThat(end.loadBalancers().containsKey(lbId) || !end.pools().containsKey(poolId)).isTrue();
                if (end.loadBalancers().containsKey(lbId)) {
                    a.store.commit(s -> ConfigEdit.deleting(ConfigKind.LOAD_BALANCER, lbId)
                            .delete(ConfigKind.POOL, poolId));
                }
            }
        }
    }

    @Test
    void anEditLargerThanOneTransactionIsCommittedInParts() {
        try (EtcdStoreNode a = node("a"); EtcdStoreNode b = node("b")) {
            final List<Pool> pools = new ArrayList<>();
            for (int i = 0; i < EtcdConfigStore.MAX_OPS * 2 + 17; i++) {
                pools.add(StoreFixtures.pool(Ids.newId(), "bulk-" + i));
            }
            final ConfigChange last = a.store.commit(s -> new ConfigEdit().putAll(pools));
            assertThat(a.store.current().pools()).hasSize(pools.size());
            assertThat(last.next().revision()).isEqualTo(a.store.current().revision());
            await().atMost(Duration.ofSeconds(10)).until(() -> b.store.current().pools().size() == pools.size());
            assertThat(b.store.current().revision()).isEqualTo(a.store.current().revision());
        }
    }

    @Test
    void compactionDuringAWatchCostsOneFullRead() throws Exception {
        final URI direct = etcd.endpointList().get(0);
        try (TcpProxy cut = TcpProxy.start(direct.getPort());
             EtcdStoreNode a = node("a");
             EtcdStoreNode b = EtcdStoreNode.open(List.of(URI.create("http://127.0.0.1:" + cut.port())), prefix,
                     dir.resolve("b"))) {
            final String first = a.store.commit(s -> EtcdStoreNode.createPool(s, "before")).pools().iterator()
                    .next();
            await().until(() -> b.store.current().pools().containsKey(first));

            cut.cut();
            // While b is cut off: changes, then etcd forgets the history b would resume from.
            a.store.commit(s -> ConfigEdit.deleting(ConfigKind.POOL, first));
            final String second = a.store.commit(s -> EtcdStoreNode.createPool(s, "after")).pools().iterator()
                    .next();
            try (EtcdClient admin = EtcdClient.connect(EtcdSettings.of(List.of(direct)))) {
                admin.compact(admin.put("/elsewhere", "x".getBytes(StandardCharsets.UTF_8)));
            }
            cut.restore();

            await().atMost(Duration.ofSeconds(10)).until(() -> b.store.current().pools().keySet()
                    .equals(Set.of(second)));
            assertThat(b.store.current().revision()).isEqualTo(a.store.current().revision());
        }
    }

    @Test
    void badKeysAreIgnoredNotFatal() {
        try (EtcdStoreNode a = node("a")) {
            final long bad = a.client.put(prefix + "config/pools/" + Ids.newId(), "{\"not\":\"a pool\"}".getBytes(
                    StandardCharsets.UTF_8));
            // Seen by the watch first: a key written without the revision key must not block later writes.
            await().until(() -> a.store.current().revision() >= bad);
            final String ok = a.store.commit(s -> EtcdStoreNode.createPool(s, "fine")).pools().iterator().next();
            try (EtcdStoreNode b = node("b")) {
                assertThat(b.store.current().pools().keySet()).containsExactly(ok);
            }
            assertThat(a.store.current().pools().keySet()).containsExactly(ok);
        }
    }

    @Test
    void changesNameOnlyWhatChanged() {
        try (EtcdStoreNode a = node("a"); EtcdStoreNode b = node("b")) {
            final List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                final int index = i;
                ids.add(a.store.commit(s -> EtcdStoreNode.createPool(s, "p" + index)).pools().iterator().next());
            }
            await().until(() -> b.store.current().pools().size() == 5);
            final List<ConfigChange> seen = new CopyOnWriteArrayList<>();
            b.store.addChangeListener(seen::add);
            a.store.commit(s -> ConfigEdit.deleting(ConfigKind.POOL, ids.get(2)));
            await().until(() -> seen.size() == 2);
            assertThat(seen.get(1).pools()).containsExactly(ids.get(2));
            assertThat(seen.get(1).previous().pools().keySet().stream().collect(Collectors.toSet()))
                    .containsAll(ids);
        }
    }

    @Test
    void writesWhileTheNodeCannotReachEtcdChangeNothing() throws Exception {
        final URI direct = etcd.endpointList().get(0);
        try (TcpProxy cut = TcpProxy.start(direct.getPort());
             EtcdStoreNode a = EtcdStoreNode.open(List.of(URI.create("http://127.0.0.1:" + cut.port())), prefix,
                     dir.resolve("a"))) {
            final String id = a.store.commit(s -> EtcdStoreNode.createPool(s, "kept")).pools().iterator().next();
            cut.cut();
            // The node knows etcd is gone (its watch broke); a member dying while it holds a write is the other
            // case, answered "may have been applied" (settleLostAnswer), and not what this test is about.
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.store.isConnected());
            final ConfigSnapshot before = a.store.current();
            assertThatThrownBy(() -> a.store.commit(s -> EtcdStoreNode.createPool(s, "refused")))
                    .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                        assertThat(e.maybeApplied()).isFalse();
                        assertThat(e.getMessage()).contains("unreachable").contains("nothing was changed");
                    });
            assertThat(a.store.current()).isSameAs(before);
            assertThat(a.store.current().pools()).containsOnlyKeys(id);
            cut.restore();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.store.isConnected());
            a.store.commit(s -> EtcdStoreNode.createPool(s, "later"));
            assertThat(a.store.current().pools()).hasSize(2);
        }
    }
}
