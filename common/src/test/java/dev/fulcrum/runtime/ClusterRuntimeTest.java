package dev.fulcrum.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.testing.EtcdServer;
import dev.fulcrum.testing.LoopbackOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Fulcrum nodes on one real etcd, driven through their HTTP APIs: one load balancer for all of them. */
class ClusterRuntimeTest {

    private static final String HOST = "www.example.com";

    @TempDir
    Path dir;

    private static String lbBody(String pool) {
        return "{\"name\":\"" + HOST + "\",\"default_pools\":[\"" + pool + "\"],\"fallback_pool\":\"" + pool
                + "\",\"proxied\":true}";
    }

    private static String poolBody(String name, LoopbackOrigin origin) {
        return "{\"name\":\"" + name + "\",\"origins\":[{\"name\":\"o\",\"address\":\"127.0.0.1\",\"port\":"
                + origin.port() + "}]}";
    }

    private ClusterNodes.Node node(EtcdServer etcd, String name, String token) {
        return new ClusterNodes.Node(settings(etcd, name, token), ClusterNodes.TOKEN);
    }

    private FulcrumSettings settings(EtcdServer etcd, String name, String token) {
        final FulcrumSettings s = ClusterNodes.settings(etcd.endpointList(), "/fulcrum/", dir.resolve(name), name,
                "WEU");
        return token == null ? s : s.toBuilder().apiToken(token).build();
    }

    @Test
    void aWriteOnOneNodeServesOnEveryNodeWithOneTokenAndOneCookieKey() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"));
             LoopbackOrigin origin = LoopbackOrigin.start("o");
             ClusterNodes.Node a = node(etcd, "a", ClusterNodes.TOKEN);
             ClusterNodes.Node b = node(etcd, "b", null);
             ClusterNodes.Node c = node(etcd, "c", null)) {
            // b and c were started without a token: they accept the cluster's, which a brought.
            assertThat(b.fulcrum.generatedApiToken()).isNull();
            assertThat(b.send("GET", "/user/tokens/verify", null).statusCode()).isEqualTo(200);
            assertThat(b.fulcrum.router().affinityKeyFingerprint()).isEqualTo(
                    a.fulcrum.router().affinityKeyFingerprint());

            final String account = a.account();
            assertThat(b.account()).isEqualTo(account);
            final String zone = a.json("POST", "/zones", "{\"name\":\"example.com\",\"account\":{\"id\":\"" + account
                    + "\"}}").get("result").get("id").asText();
            final String pool = a.json("POST", "/accounts/" + account + "/load_balancers/pools",
                    poolBody("web", origin)).get("result").get("id").asText();
            final HttpResponse<String> created = a.send("POST", "/zones/" + zone + "/load_balancers", lbBody(pool));
            assertThat(created.statusCode()).isEqualTo(200);
            // Acknowledged after etcd committed it: the writer serves it at once, the others within a second.
            assertThat(a.routes(HOST)).isEqualTo("127.0.0.1:" + origin.port());
            for (ClusterNodes.Node other : List.of(b, c)) {
                await().atMost(Duration.ofSeconds(1)).until(() -> ("127.0.0.1:" + origin.port())
                        .equals(other.routes(HOST)));
            }
            // Names stay unique and references hold across nodes.
            final JsonNode duplicate = c.json("POST", "/zones/" + zone + "/load_balancers", lbBody(pool));
            assertThat(duplicate.get("errors").get(0).get("code").asInt()).isEqualTo(1003);
            final HttpResponse<String> inUse = b.send("DELETE", "/accounts/" + account + "/load_balancers/pools/"
                    + pool, null);
            assertThat(inUse.statusCode()).isEqualTo(412);
            assertThat(c.fulcrum.store().current().revision()).isEqualTo(a.fulcrum.store().current().revision());
        }
    }

    @Test
    void etcdDownKeepsServingRefusesWritesAndCatchesUp() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"));
             LoopbackOrigin origin = LoopbackOrigin.start("o");
             ClusterNodes.Node a = node(etcd, "a", ClusterNodes.TOKEN);
             ClusterNodes.Node b = node(etcd, "b", null)) {
            final String account = a.account();
            final String pool = a.json("POST", "/accounts/" + account + "/load_balancers/pools",
                    poolBody("web", origin)).get("result").get("id").asText();
            final String zone = a.json("POST", "/zones", "{\"name\":\"example.com\",\"account\":{\"id\":\"" + account
                    + "\"}}").get("result").get("id").asText();
            a.send("POST", "/zones/" + zone + "/load_balancers", lbBody(pool));
            await().until(() -> b.routes(HOST) != null);

            etcd.kill();
            final HttpResponse<String> refused = b.send("POST", "/accounts/" + account + "/load_balancers/pools",
                    poolBody("second", origin));
            assertThat(refused.statusCode()).isEqualTo(503);
            final JsonNode error = ClusterNodes.JSON.readTree(refused.body());
            assertThat(error.get("success").asBoolean()).isFalse();
            assertThat(error.get("errors").get(0).get("code").asInt()).isEqualTo(10503);
            assertThat(error.get("errors").get(0).get("message").asText()).contains("etcd")
                    .contains("unreachable").contains("nothing was changed");
            // Reads answer from the last configuration; the data plane keeps serving.
            assertThat(b.send("GET", "/accounts/" + account + "/load_balancers/pools", null).body())
                    .contains("\"web\"").doesNotContain("second");
            assertThat(b.routes(HOST)).isEqualTo("127.0.0.1:" + origin.port());

            // b restarted while etcd is down: it starts from its local copy and serves.
            b.close();
            try (ClusterNodes.Node again = node(etcd, "b", null)) {
                assertThat(again.routes(HOST)).isEqualTo("127.0.0.1:" + origin.port());
                assertThat(again.send("GET", "/user/tokens/verify", null).statusCode()).isEqualTo(200);
                assertThat(again.send("POST", "/accounts/" + account + "/load_balancers/pools",
                        poolBody("third", origin)).statusCode()).isEqualTo(503);

                etcd.restart();
                await().atMost(Duration.ofSeconds(15)).until(() -> a.send("POST", "/accounts/" + account
                        + "/load_balancers/pools", poolBody("after", origin)).statusCode() == 200);
                await().atMost(Duration.ofSeconds(15)).until(() -> again.fulcrum.store().current().pools().values()
                        .stream().anyMatch(p -> p.name().equals("after")));
                assertThat(again.send("POST", "/accounts/" + account + "/load_balancers/pools",
                        poolBody("from-b", origin)).statusCode()).isEqualTo(200);
            }
        }
    }
}
