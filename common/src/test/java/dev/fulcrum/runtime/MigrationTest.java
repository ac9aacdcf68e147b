package dev.fulcrum.runtime;

import dev.fulcrum.api.ApiHttpServer;
import dev.fulcrum.cluster.ClusterSettings;
import dev.fulcrum.cluster.Migration;
import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdSettings;
import dev.fulcrum.testing.ApiCalls;
import dev.fulcrum.testing.EtcdServer;
import dev.fulcrum.testing.LoopbackOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A single node's file store copied into an empty etcd prefix, and the refusals. */
class MigrationTest {

    @TempDir
    Path dir;

    @Test
    void aSingleNodeMovesIntoAClusterWithItsTokenAndCookieKey() throws Exception {
        final Path single = dir.resolve("single");
        final FulcrumSettings alone = FulcrumSettings.builder().dataDir(single).apiToken(ClusterNodes.TOKEN).build();
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"));
             LoopbackOrigin origin = LoopbackOrigin.start("o")) {
            final String fingerprint;
            final ClusterSettings cluster = new ClusterSettings(EtcdSettings.of(etcd.endpointList()), "/moved/",
                    "node-a", Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5));
            try (Fulcrum fulcrum = new Fulcrum(alone).start();
                 ApiHttpServer server = ApiHttpServer.start(fulcrum.api(), "127.0.0.1", 0)) {
                new ApiCalls("http://127.0.0.1:" + server.port() + "/client/v4", ClusterNodes.TOKEN)
                        .createLoadBalancer("www.example.com", "127.0.0.1", origin.port());
                fingerprint = fulcrum.router().affinityKeyFingerprint();
                // Not while the node runs: its store is locked.
                assertThatThrownBy(() -> Migration.copy(single, cluster, Clock.systemUTC()))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("stop the node");
            }

            final Migration.Result result = Migration.copy(single, cluster, Clock.systemUTC());
            assertThat(result.pools()).isEqualTo(1);
            assertThat(result.loadBalancers()).isEqualTo(1);
            assertThat(result.token()).isTrue();
            assertThat(result.affinityKey()).isTrue();

            // A node joining without settings of its own serves the load balancer, the token and the cookie key.
            try (ClusterNodes.Node joined = new ClusterNodes.Node(FulcrumSettings.builder()
                    .dataDir(dir.resolve("joined")).cluster(cluster).build(), ClusterNodes.TOKEN)) {
                assertThat(joined.routes("www.example.com")).isEqualTo("127.0.0.1:" + origin.port());
                assertThat(joined.send("GET", "/user/tokens/verify", null).statusCode()).isEqualTo(200);
                assertThat(joined.fulcrum.router().affinityKeyFingerprint()).isEqualTo(fingerprint);
                assertThat(joined.fulcrum.store().current().accounts()).hasSize(1);
            }

            // A second migration into the same prefix is refused and writes nothing.
            final long keys;
            try (EtcdClient client = EtcdClient.connect(EtcdSettings.of(etcd.endpointList()))) {
                keys = client.range("/moved/", EtcdClient.prefixEnd("/moved/"), 0, 0).count();
                assertThatThrownBy(() -> Migration.copy(single, cluster, Clock.systemUTC()))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not empty");
                assertThat(client.range("/moved/", EtcdClient.prefixEnd("/moved/"), 0, 0).count()).isEqualTo(keys);
            }
        }
    }
}
