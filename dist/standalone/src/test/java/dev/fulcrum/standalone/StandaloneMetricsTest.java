package dev.fulcrum.standalone;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /metrics} on the standalone's API port, after requests proxied on its proxy port. */
class StandaloneMetricsTest {

    private static final String TOKEN = "standalone-metrics-token-0123456789";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpServer origin;
    private FulcrumMain.Standalone running;

    @BeforeEach
    void startOrigin() throws IOException {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", exchange -> {
            final byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        if (origin != null) {
            origin.stop(0);
        }
    }

    private void launch(String... extra) {
        final List<String> args = new ArrayList<>(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                "--data-dir", dir.toString(), "--api-token", TOKEN));
        args.addAll(List.of(extra));
        running = FulcrumMain.launch(args, Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void proxiedRequestsShowUpInTheScrapeWhichNeedsTheToken() throws Exception {
        launch();
        final String poolId = createLoadBalancer();
        for (int i = 0; i < 3; i++) {
            assertThat(proxied("www.example.com").statusCode()).isEqualTo(200);
        }

        // Outcomes are counted when each exchange completes, which may be just after the client has its answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            final HttpResponse<String> scrape = metrics("Bearer " + TOKEN);
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/plain"));
            assertThat(scrape.body()).contains("fulcrum_origin_requests_total{lb=\"www.example.com\",origin=\"o1\","
                    + "outcome=\"responded\",pool=\"web\",pool_id=\"" + poolId + "\",status=\"2xx\"} 3");
            assertThat(scrape.body()).contains("fulcrum_origin_latency_seconds_count{lb=\"www.example.com\","
                    + "origin=\"o1\",pool=\"web\",pool_id=\"" + poolId + "\"} 3");
            assertThat(scrape.body()).contains("fulcrum_upstream_connections{destination=\"http://127.0.0.1:"
                    + origin.getAddress().getPort() + "\",state=\"open\"}");
        });

        assertThat(metrics(null).statusCode()).isEqualTo(403);
        assertThat(metrics("Bearer wrong-token-0123456789abcdef").statusCode()).isEqualTo(403);
    }

    @Test
    void theSettingOpensIt() throws Exception {
        launch("--metrics-public");

        final HttpResponse<String> scrape = metrics(null);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("# TYPE jvm_threads_live_threads gauge");
        assertThat(running.fulcrum().settings().metricsPublic()).isTrue();
    }

    private HttpResponse<String> metrics(String authorization) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + running.apiPort() + "/metrics")).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Account → zone → pool → load balancer through the API; returns the pool id. */

    private String createLoadBalancer() throws Exception {
        return new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(origin.getAddress().getPort());
    }

    private HttpResponse<String> proxied(String host) throws Exception {
        return StandaloneApi.proxied(running.proxyPort(), host);
    }
}
