package dev.fulcrum.tomcat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.RawHttpConnection;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The valve as {@code server.xml} declares it, in the Engine of an embedded Tomcat: it owns the runtime, and its API
 * listener answers the Prometheus scrape at {@code /metrics}, counting what it forwarded under the load balancer's
 * name and forgetting the load balancer with its deletion. Every other path there is the API's.
 */
class ValveMetricsTest {

    private static final String TOKEN = "valve-metrics-token-0123456789";
    private static final String HOST = "shop.example.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path base;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LoopbackOrigin origin;
    private Tomcat tomcat;
    private Connector connector;
    private FulcrumValve valve;

    @BeforeEach
    void start() throws Exception {
        origin = LoopbackOrigin.start("a");
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        valve = new FulcrumValve();
        valve.setApiBind("127.0.0.1");
        valve.setApiPort("0");
        valve.setApiToken(TOKEN);
        tomcat.getEngine().getPipeline().addValve(valve);
        tomcat.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void theApiListenerCountsForwardedRequestsUnderTheLoadBalancersName() throws Exception {
        assertThat(valve.fulcrum().settings().dataDir()).isEqualTo(base.resolve("fulcrum-data"));
        final String[] lb = createLoadBalancer();
        try (RawHttpConnection connection = new RawHttpConnection(connector.getLocalPort())) {
            for (int i = 0; i < 3; i++) {
                assertThat(connection.get(HOST, "/cart").status()).isEqualTo(200);
            }
        }
        assertThat(origin.requestCount()).isEqualTo(3);

        // Outcomes are counted when each exchange completes, which may be just after the client has its answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            final HttpResponse<String> scrape = api("GET", "/metrics", null);
            assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
            assertThat(scrape.body()).contains("fulcrum_origin_requests_total{lb=\"" + HOST + "\",origin=\"a\","
                    + "outcome=\"responded\",pool=\"web\",pool_id=\"" + lb[1] + "\",status=\"2xx\"} 3");
        });
        assertThat(api("GET", "/metrics/", null).statusCode()).as("only the exact path").isEqualTo(404);

        call("DELETE", "/client/v4/zones/" + lb[2] + "/load_balancers/" + lb[0], null);
        assertThat(api("GET", "/metrics", null).body()).doesNotContain("lb=\"" + HOST + "\"");
    }

    /** Account → zone → pool → load balancer through the valve's API; returns the load balancer, pool and zone ids. */
    private String[] createLoadBalancer() throws Exception {
        final String account = call("GET", "/client/v4/accounts", null).get("result").get(0).get("id").asText();
        final String zone = call("POST", "/client/v4/zones", "{\"name\":\"example.test\",\"account\":{\"id\":\""
                + account + "\"}}").get("result").get("id").asText();
        final String pool = call("POST", "/client/v4/accounts/" + account + "/load_balancers/pools",
                "{\"name\":\"web\",\"origins\":[{\"name\":\"a\",\"address\":\"127.0.0.1\",\"port\":" + origin.port()
                        + "}]}").get("result").get("id").asText();
        final String lb = call("POST", "/client/v4/zones/" + zone + "/load_balancers", "{\"name\":\"" + HOST
                + "\",\"default_pools\":[\"" + pool + "\"],\"fallback_pool\":\"" + pool + "\",\"proxied\":true}")
                .get("result").get("id").asText();
        return new String[]{lb, pool, zone};
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        final HttpResponse<String> response = api(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + valve.apiLocalPort() + path)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
