package dev.fulcrum.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fulcrum.api.BearerAuth;
import dev.fulcrum.servlet.MetricsServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /metrics} over real HTTP: the API's bearer-token rules unless opened, and Prometheus' text format. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {

    private static final String TOKEN = "metrics-test-token_0123456789";
    private static final BearerAuth AUTH = new BearerAuth("0123456789abcdef0123456789abcdef",
            BearerAuth.sha256(TOKEN));

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final FulcrumMetrics metrics = new FulcrumMetrics();
    private Server server;
    private URI uri;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        metrics.close();
    }

    private void serve(MetricsEndpoint endpoint) throws Exception {
        server = new Server();
        final ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        final ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new MetricsServlet(endpoint)), MetricsEndpoint.PATH);
        server.setHandler(context);
        server.start();
        uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + MetricsEndpoint.PATH);
    }

    private HttpResponse<String> get(String... headers) throws Exception {
        return send("GET", headers);
    }

    private HttpResponse<String> send(String method, String... headers) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method,
                HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int errorCode(HttpResponse<String> response) throws Exception {
        final JsonNode json = new ObjectMapper().readTree(response.body());
        assertThat(json.get("success").asBoolean()).isFalse();
        return json.get("errors").get(0).get("code").asInt();
    }

    @Test
    void withTheApiTokenTheScrapeIsPrometheusText() throws Exception {
        serve(metrics.endpoint(AUTH));

        final HttpResponse<String> response = get("Authorization", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain").contains("version=0.0.4"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.body()).contains("# TYPE jvm_threads_live_threads gauge");
        // Every sample line is "name{labels} value" or "name value".
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("#") && !line.isEmpty()) {
                assertThat(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})? -?[0-9.E+-]+|.* (NaN|[+-]Inf)");
            }
        }
    }

    @Test
    void withoutCredentialsItIsRefusedAsTheApiRefusesThem() throws Exception {
        serve(metrics.endpoint(AUTH));

        final HttpResponse<String> none = get();
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        assertThat(errorCode(none)).isEqualTo(10000);
        assertThat(none.body()).doesNotContain("jvm_");

        final HttpResponse<String> wrong = get("Authorization", "Bearer " + TOKEN + "x");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(errorCode(wrong)).isEqualTo(10000);

        final HttpResponse<String> malformed = get("Authorization", "Basic dXNlcjpwYXNz");
        assertThat(malformed.statusCode()).isEqualTo(400);
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        serve(metrics.endpoint(AUTH));

        final HttpResponse<String> post = send("POST", "Authorization", "Bearer " + TOKEN);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

        final HttpResponse<String> head = send("HEAD", "Authorization", "Bearer " + TOKEN);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();

        // Without credentials the method is not even looked at.
        assertThat(send("POST").statusCode()).isEqualTo(403);
    }

    @Test
    void openedWithTheSettingItNeedsNoToken() throws Exception {
        final MetricsEndpoint endpoint = metrics.endpoint(null);
        assertThat(endpoint.isPublic()).isTrue();
        serve(endpoint);

        assertThat(get().statusCode()).isEqualTo(200);
        assertThat(get("Authorization", "Bearer whatever-it-is-ignored").statusCode()).isEqualTo(200);
        assertThat(get().body()).contains("# TYPE jvm_threads_live_threads gauge");
    }

    @Test
    void theContainerNeutralEndpointAnswersTheSame() {
        final MetricsEndpoint endpoint = metrics.endpoint(AUTH);

        assertThat(endpoint.handle("GET", List.of("Bearer " + TOKEN)).status()).isEqualTo(200);
        assertThat(endpoint.handle("GET", List.of()).status()).isEqualTo(403);
        assertThat(endpoint.handle("GET", List.of("Bearer " + TOKEN, "Bearer " + TOKEN)).status())
                .as("two Authorization headers are malformed").isEqualTo(400);
    }
}
