package dev.fulcrum.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Standalone": {@code java -jar fulcrum-standalone-VERSION.jar}, its own proxy and API ports. */
class StandaloneIT {

    private static final String TOKEN = "standalone-it-token-0123456789";

    private Origin a;
    private Origin b;
    private ServerProcess server;

    @BeforeEach
    void origins() throws Exception {
        a = new Origin("a");
        b = new Origin("b");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        a.close();
        b.close();
    }

    private ServerProcess start(Path dir, int port, int apiPort) throws Exception {
        return ServerProcess.start("standalone", dir, Map.of("FULCRUM_API_TOKEN", TOKEN), List.of(
                Distribution.java(), "-jar", Distribution.standaloneJar().toString(), "--bind", "127.0.0.1",
                "--port", Integer.toString(port), "--api-port", Integer.toString(apiPort),
                "--data-dir", dir.resolve("fulcrum-data").toString()));
    }

    @Test
    void servesLoadBalancersFromTheApiAndStopsCleanly() throws Exception {
        final Path dir = Distribution.workDir("standalone");
        final int port = Distribution.freePort();
        final int apiPort = Distribution.freePort();
        server = start(dir, port, apiPort);
        server.awaitLog("Fulcrum ready: proxy http://127.0.0.1:" + port + " api http://127.0.0.1:" + apiPort);

        final Api api = new Api("http://127.0.0.1:" + apiPort + "/client/v4", TOKEN);
        new LoadBalancingScenario(api, port, "/shop/cart", "/shop/cart", new LoadBalancingScenario.Own(404, ""))
                .run(a, b);
        WebSocketCheck.tunnels(api, port);
        // The API is not on the proxy port.
        assertThat(new LoadBalancingScenario(api, port, "/", "/", null).get("127.0.0.1", "/client/v4/accounts")
                .statusCode()).isEqualTo(404);

        // SIGTERM: the shutdown hook stops Jetty and closes the store; the JVM reports the signal (128 + 15).
        assertThat(server.stop()).isEqualTo(143);
        assertThat(server.log()).doesNotContain("Exception").doesNotContain("ERROR");

        // What the API wrote survives the restart.
        server = start(dir, port, apiPort);
        server.awaitLog("Fulcrum ready");
        assertThat(api.send("GET", "/accounts", null).body()).contains("\"name\":\"Fulcrum\"");
        final Api.LoadBalancer lb = api.createLoadBalancer("shop.example.org", List.of(a));
        assertThat(server.stop()).isEqualTo(143);
        server = start(dir, port, apiPort);
        server.awaitLog("Fulcrum ready");
        final LoadBalancingScenario probe = new LoadBalancingScenario(api, port, "/", "/", null);
        assertThat(probe.get("shop.example.org", "/kept").body()).isEqualTo("origin a");
        api.delete(lb);
    }
}
