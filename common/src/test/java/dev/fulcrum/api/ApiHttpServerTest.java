package dev.fulcrum.api;

import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API over the JDK's HTTP server, as the Tomcat valve serves it: same envelope, codes and limits. */
class ApiHttpServerTest {

    private static final String TOKEN = "jdk-api-test-token-0123456789";

    @TempDir
    Path dir;

    private Fulcrum fulcrum;
    private ApiHttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        fulcrum = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(TOKEN).build()).start();
        server = ApiHttpServer.start(fulcrum.api(), "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        fulcrum.stop();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheApiWithItsEnvelopeAndHeaders() throws Exception {
        final HttpResponse<String> accounts = send("GET", "/client/v4/accounts?page=1&per_page=5", TOKEN, null);
        assertThat(accounts.statusCode()).isEqualTo(200);
        assertThat(accounts.headers().firstValue("Content-Type")).hasValue(ApiResponse.CONTENT_TYPE);
        assertThat(accounts.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(accounts.body()).contains("\"success\":true").contains("\"name\":\"Fulcrum\"");

        final String account = fulcrum.store().current().accounts().keySet().iterator().next();
        final HttpResponse<String> zone = send("POST", "/client/v4/zones", TOKEN,
                "{\"name\":\"example.test\",\"account\":{\"id\":\"" + account + "\"}}");
        assertThat(zone.statusCode()).as(zone.body()).isEqualTo(200);
        assertThat(fulcrum.store().current().zones()).hasSize(1);
    }

    @Test
    void refusalsAreTheApisOwn() throws Exception {
        final HttpResponse<String> anonymous = send("GET", "/client/v4/accounts", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).contains("\"success\":false");
        final HttpResponse<String> elsewhere = send("GET", "/elsewhere", TOKEN, null);
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("\"success\":false");
        final HttpResponse<String> huge = send("POST", "/client/v4/zones", TOKEN,
                "{\"name\":\"" + "x".repeat(ApiRouter.MAX_BODY_BYTES) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
    }

    @Test
    void acceptsTheXAuthPairWhateverTheHeaderNamesCase() throws Exception {
        // The JDK server re-cases header names (X-auth-email); the API must find them all the same.
        final HttpResponse<String> admin = sendKey(TOKEN);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        final HttpResponse<String> malformed = sendKey("short");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"code\":6103");
    }

    private HttpResponse<String> sendKey(String key) throws Exception {
        final URI accounts = URI.create("http://127.0.0.1:" + server.port() + "/client/v4/accounts");
        return client.send(HttpRequest.newBuilder(accounts)
                .timeout(Duration.ofSeconds(10)).header("x-auth-email", "ops@example.com").header("X-AUTH-KEY", key)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTakenAddressIsRefusedNamingItAndCloseReleasesThePort() {
        final int port = server.port();
        assertThatThrownBy(() -> ApiHttpServer.start(fulcrum.api(), "127.0.0.1", port))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("127.0.0.1:" + port);
        server.close();
        server = ApiHttpServer.start(fulcrum.api(), "127.0.0.1", port);
        assertThat(server.port()).isEqualTo(port);
    }
}
