package dev.fulcrum.etcd;

import dev.fulcrum.testing.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway client against one real etcd member: reads, transactions, watches, leases, failover. */
class EtcdClientTest {

    @TempDir
    static Path dir;

    private static EtcdServer etcd;
    private static EtcdClient client;

    @BeforeAll
    static void startEtcd() throws IOException {
        etcd = EtcdServer.start(dir);
        client = EtcdClient.connect(EtcdSettings.of(etcd.endpointList()));
    }

    @AfterAll
    static void stopEtcd() {
        if (client != null) {
            client.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void transactionsCompareWhatTheyRead() {
        final long created = client.txn(new Txn().ifAbsent("/t/a").put("/t/a", bytes("one"))).revision();
        final KeyValue a = client.get("/t/a").kvs().get(0);
        assertThat(a.text()).isEqualTo("one");
        assertThat(a.modRevision()).isEqualTo(created);

        final TxnResult stale = client.txn(new Txn().ifModRevision("/t/a", created - 1).put("/t/a", bytes("two"))
                .elseGet("/t/a"));
        assertThat(stale.succeeded()).isFalse();
        assertThat(stale.ranges().get(0).get(0).text()).isEqualTo("one");

        final TxnResult fresh = client.txn(new Txn().ifModRevision("/t/a", created).put("/t/a", bytes("two")));
        assertThat(fresh.succeeded()).isTrue();
        assertThat(client.get("/t/a").kvs().get(0).text()).isEqualTo("two");

        assertThat(client.txn(new Txn().ifAbsent("/t/a").put("/t/a", bytes("three"))).succeeded()).isFalse();
        assertThat(client.txn(new Txn().ifModRevision("/t/none", 0).put("/t/b", bytes("b"))).succeeded()).isTrue();
        assertThat(client.txn(new Txn().ifRangeEmpty("/t/", EtcdClient.prefixEnd("/t/"))).succeeded()).isFalse();
        assertThat(client.txn(new Txn().ifRangeEmpty("/empty/", EtcdClient.prefixEnd("/empty/"))).succeeded())
                .isTrue();
    }

    @Test
    void rangesPageThroughOneRevision() {
        for (int i = 0; i < 25; i++) {
            client.put(String.format("/page/%02d", i), bytes("v" + i));
        }
        final RangeResult first = client.range("/page/", EtcdClient.prefixEnd("/page/"), 0, 10);
        assertThat(first.kvs()).hasSize(10);
        assertThat(first.more()).isTrue();
        assertThat(first.count()).isEqualTo(25);
        client.put("/page/00", bytes("changed later"));
        final RangeResult again = client.range("/page/", EtcdClient.prefixEnd("/page/"), first.revision(), 0);
        assertThat(again.kvs()).hasSize(25);
        assertThat(again.kvs().get(0).text()).isEqualTo("v0");
    }

    @Test
    void watchesReportChangesProgressAndCompaction() throws Exception {
        final long start = client.put("/w/a", bytes("1"));
        client.txn(new Txn().put("/w/b", bytes("2")).delete("/w/a"));
        try (WatchStream watch = client.watch("/w/", EtcdClient.prefixEnd("/w/"), start, Duration.ofSeconds(30))) {
            assertThat(watch.next().created()).isTrue();
            final List<WatchEvent> events = new ArrayList<>();
            while (events.size() < 3) {
                events.addAll(watch.next().events());
            }
            assertThat(events).extracting(e -> e.type() + " " + e.kv().key())
                    .containsExactly("PUT /w/a", "PUT /w/b", "DELETE /w/a");
            // Nothing changes under /w/ now, but the store moves on: progress notifications say so.
            final long elsewhere = client.put("/elsewhere", bytes("x"));
            WatchResponse progress = watch.next();
            while (progress.revision() < elsewhere) {
                progress = watch.next();
            }
            assertThat(progress.isProgress()).isTrue();
        }

        client.compact(client.put("/w/c", bytes("3")));
        try (WatchStream late = client.watch("/w/", EtcdClient.prefixEnd("/w/"), start, Duration.ofSeconds(30))) {
            WatchResponse answer = late.next();
            while (!answer.canceled()) {
                answer = late.next();
            }
            assertThat(answer.compactRevision()).isGreaterThan(start);
        }
    }

    @Test
    void leasesBindKeysUntilRevoked() {
        final long lease = client.grantLease(30);
        client.txn(new Txn().put("/lease/k", bytes("v"), lease));
        assertThat(client.get("/lease/k").kvs().get(0).lease()).isEqualTo(lease);
        assertThat(client.keepAlive(lease)).isBetween(1L, 30L);
        client.revokeLease(lease);
        assertThat(client.get("/lease/k").kvs()).isEmpty();
        assertThat(client.keepAlive(lease)).isZero();
        client.revokeLease(lease);
    }

    @Test
    void failsOverPastAMemberThatDoesNotAnswer() throws IOException {
        final List<URI> endpoints = List.of(URI.create("http://127.0.0.1:" + refusedPort()),
                etcd.endpointList().get(0));
        try (EtcdClient failover = EtcdClient.connect(EtcdSettings.of(endpoints))) {
            failover.put("/failover", bytes("ok"));
            assertThat(failover.get("/failover").kvs()).hasSize(1);
            assertThat(failover.preferredEndpoint()).isEqualTo(endpoints.get(1));
        }
    }

    @Test
    void noMemberMeansUnreachableAndNothingApplied() throws IOException {
        try (EtcdClient nowhere = EtcdClient.connect(EtcdSettings.of(List.of(
                URI.create("http://127.0.0.1:" + refusedPort()))))) {
            assertThatThrownBy(() -> nowhere.put("/x", bytes("y"))).isInstanceOfSatisfying(EtcdException.class,
                    e -> assertThat(e.outcome()).isEqualTo(EtcdException.Outcome.UNREACHABLE));
        }
    }

    @Test
    void etcdRefusalsAreNotUnavailability() {
        final Txn tooMany = new Txn();
        for (int i = 0; i < 200; i++) {
            tooMany.put("/many/" + i, bytes("v"));
        }
        assertThatThrownBy(() -> client.txn(tooMany)).isInstanceOfSatisfying(EtcdException.class, e -> {
            assertThat(e.outcome()).isEqualTo(EtcdException.Outcome.REFUSED);
            assertThat(e.getMessage()).contains("too many operations");
        });
    }

    static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
