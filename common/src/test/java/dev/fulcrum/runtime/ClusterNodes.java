package dev.fulcrum.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fulcrum.api.ApiHttpServer;
import dev.fulcrum.cluster.ClusterSettings;
import dev.fulcrum.etcd.EtcdSettings;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.testing.ApiCalls;
import dev.fulcrum.testing.TestRequest;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One Fulcrum node of a test cluster: the runtime with its API on a loopback port, and the calls a test makes to
 * it. Nodes share one etcd and one prefix; each has its own data directory.
 */
final class ClusterNodes {

    static final String TOKEN = "cluster-token_0123456789-abcdefXYZ";
    static final ObjectMapper JSON = new ObjectMapper();

    private ClusterNodes() {
    }

    static FulcrumSettings settings(List<URI> etcd, String prefix, Path dataDir, String name, String region) {
        final ClusterSettings cluster = new ClusterSettings(EtcdSettings.of(etcd)
                .withTimeouts(Duration.ofSeconds(2), EtcdSettings.DEFAULT_TOKEN_REFRESH), prefix, name,
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(5));
        final FulcrumSettings.Builder builder = FulcrumSettings.builder().dataDir(dataDir).cluster(cluster);
        if (region != null) {
            builder.set(SettingsTable.REGION, region);
        }
        return builder.build();
    }

    /** A started node and its API server. */
    static final class Node implements AutoCloseable {
        final Fulcrum fulcrum;
        final ApiHttpServer server;
        final ApiCalls api;

        Node(FulcrumSettings settings, String token) {
            this.fulcrum = new Fulcrum(settings).start();
            this.server = ApiHttpServer.start(fulcrum.api(), "127.0.0.1", 0);
            this.api = new ApiCalls("http://127.0.0.1:" + server.port() + "/client/v4", token);
        }

        HttpResponse<String> send(String method, String path, String body) throws Exception {
            return api.send(method, path, body);
        }

        JsonNode json(String method, String path, String body) throws Exception {
            return JSON.readTree(send(method, path, body).body());
        }

        String account() throws Exception {
            return json("GET", "/accounts", null).get("result").get(0).get("id").asText();
        }

        /** The origin this node's router sends {@code host} to, or null when it serves no such host. */
        String routes(String host) {
            final RouteDecision decision = fulcrum.router().route(TestRequest.to(host));
            if (decision instanceof RouteDecision.Forward forward) {
                forward.complete(Outcome.RESPONDED, 200, 0);
                return forward.address() + ":" + forward.port();
            }
            return null;
        }

        @Override
        public void close() {
            server.close();
            fulcrum.close();
        }
    }
}
