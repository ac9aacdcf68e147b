package dev.fulcrum.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.testing.EtcdServer;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One health picture: every live node in pop_health, a node cut off from etcd leaving it when its lease expires. */
class ClusterHealthRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void popHealthListsEveryLiveNodeAndADeadNodeExpires() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"));
             TcpProxy toEtcd = TcpProxy.start(etcd.endpointList().get(0).getPort());
             LoopbackOrigin origin = LoopbackOrigin.start("o");
             ClusterNodes.Node a = new ClusterNodes.Node(ClusterNodes.settings(etcd.endpointList(), "/f/",
                     dir.resolve("a"), "node-a", "WEU").toBuilder().apiToken(ClusterNodes.TOKEN).build(),
                     ClusterNodes.TOKEN);
             ClusterNodes.Node b = new ClusterNodes.Node(ClusterNodes.settings(etcd.endpointList(), "/f/",
                     dir.resolve("b"), "node-b", "WEU"), ClusterNodes.TOKEN);
             ClusterNodes.Node c = new ClusterNodes.Node(ClusterNodes.settings(List.of(URI.create(
                     "http://127.0.0.1:" + toEtcd.port())), "/f/", dir.resolve("c"), "node-c", "ENAM"),
                     ClusterNodes.TOKEN)) {
            final String account = a.account();
            final String base = "/accounts/" + account + "/load_balancers";
            final String monitor = a.json("POST", base + "/monitors", "{\"type\":\"http\",\"path\":\""
                    + LoopbackOrigin.HEALTH_PATH + "\",\"expected_codes\":\"200\",\"interval\":2,\"timeout\":1,"
                    + "\"retries\":0}").get("result").get("id").asText();
            final String pool = a.json("POST", base + "/pools", "{\"name\":\"web\",\"monitor\":\"" + monitor
                    + "\",\"check_regions\":[\"WEU\",\"ENAM\"],\"health_sources\":[\"regional\",\"global\"],"
                    + "\"origins\":[{\"name\":\"o\",\"address\":\"127.0.0.1\",\"port\":" + origin.port() + "}]}")
                    .get("result").get("id").asText();
            assertThat(a.json("GET", base + "/pools/" + pool, null).get("result").get("health_sources").toString())
                    .isEqualTo("[\"regional\",\"global\"]");

            final String health = base + "/pools/" + pool + "/health";
            await().atMost(Duration.ofSeconds(15)).until(() -> pops(b.json("GET", health, null), true)
                    .equals(List.of("node-a", "node-b", "node-c")));
            final JsonNode entry = b.json("GET", health, null).get("result").get("pop_health").get("node-c");
            assertThat(entry.get("origins").get(0).get("127.0.0.1").get("healthy").asBoolean()).isTrue();

            origin.healthStatus(503);
            await().atMost(Duration.ofSeconds(15)).until(() -> pops(a.json("GET", health, null), false)
                    .equals(List.of("node-a", "node-b", "node-c")));
            // Every node's steering verdict follows: the pool is down everywhere.
            await().atMost(Duration.ofSeconds(5)).until(() -> c.fulcrum.cluster().health().snapshot().pools()
                    .get(pool).values().stream().allMatch(h -> h.failed()));

            // node-c loses etcd as a killed node would: its lease (2 s) expires, and its entry with it.
            toEtcd.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> pops(a.json("GET", health, null), false)
                    .equals(List.of("node-a", "node-b")));
            assertThat(a.fulcrum.cluster().health().liveNodes()).containsExactly("node-a", "node-b");
            // node-c keeps serving on its own probes meanwhile.
            assertThat(c.fulcrum.cluster().health().snapshot().pools().get(pool)).isNotEmpty();
        }
    }

    /** The pop_health names whose verdict is {@code healthy}, in order. */
    private static List<String> pops(JsonNode answer, boolean healthy) {
        final List<String> names = new ArrayList<>();
        answer.get("result").get("pop_health").fields().forEachRemaining(e -> {
            if (e.getValue().get("healthy").asBoolean() == healthy) {
                names.add(e.getKey());
            }
        });
        names.sort(String::compareTo);
        return names;
    }
}
