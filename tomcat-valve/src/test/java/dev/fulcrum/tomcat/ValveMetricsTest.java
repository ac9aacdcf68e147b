package dev.fulcrum.tomcat;

import dev.fulcrum.testing.ApiCalls;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.RawHttpConnection;
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

    @TempDir
    Path base;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LoopbackOrigin origin;
    private Tomcat tomcat;
    private FulcrumValve valve;

    @BeforeEach
    void start() throws Exception {
        origin = LoopbackOrigin.start("o1");
        tomcat = TomcatHost.loopback(base);
        valve = new FulcrumValve();
        valve.setProperty("apiBind", "127.0.0.1");
        valve.setProperty("apiPort", "0");
        valve.setProperty("apiToken", TOKEN);
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
        final ApiCalls api = new ApiCalls("http://127.0.0.1:" + valve.apiLocalPort() + "/client/v4", TOKEN);
        final ApiCalls.Created lb = api.createLoadBalancer(HOST, "127.0.0.1", origin.port());
        try (RawHttpConnection connection = new RawHttpConnection(tomcat.getConnector().getLocalPort())) {
            for (int i = 0; i < 3; i++) {
                assertThat(connection.get(HOST, "/cart").status()).isEqualTo(200);
            }
        }
        assertThat(origin.requestCount()).isEqualTo(3);

        // Outcomes are counted when each exchange completes, which may be just after the client has its answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            final HttpResponse<String> scrape = scrape("/metrics");
            assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
            assertThat(scrape.body()).contains("fulcrum_origin_requests_total{lb=\"" + HOST + "\",origin=\"o1\","
                    + "outcome=\"responded\",pool=\"web\",pool_id=\"" + lb.pool() + "\",status=\"2xx\"} 3");
        });
        assertThat(scrape("/metrics/").statusCode()).as("only the exact path").isEqualTo(404);

        api.deleteLoadBalancer(lb);
        assertThat(scrape("/metrics").body()).doesNotContain("lb=\"" + HOST + "\"");
    }

    private HttpResponse<String> scrape(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + valve.apiLocalPort() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
