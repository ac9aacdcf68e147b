package dev.fulcrum.tomcat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fulcrum.api.ApiRouter;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The valve's API listener ({@link ApiListener}): the API with its envelope, codes and limits, and what Tomcat's
 * connector refuses by itself answered in the envelope too.
 */
class ApiListenerTest {

    private static final String TOKEN = "listener-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Fulcrum fulcrum;
    private ApiListener listener;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        fulcrum = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(TOKEN).build()).start();
        listener = ApiListener.start(fulcrum.api(), fulcrum.metricsEndpoint(), "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
        fulcrum.stop();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + listener.port() + path)).timeout(Duration.ofSeconds(10))
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
        assertThat(accounts.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type.replace(" ", "")).isEqualToIgnoringCase("application/json;charset=utf-8"));
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
        assertThat(elsewhere.body()).contains("\"code\":7003");
        final HttpResponse<String> huge = send("POST", "/client/v4/zones", TOKEN,
                "{\"name\":\"" + "x".repeat(ApiRouter.MAX_BODY_BYTES) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
    }

    @Test
    void acceptsTheXAuthPairWhateverTheHeaderNamesCase() throws Exception {
        final HttpResponse<String> admin = sendKey(TOKEN);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        final HttpResponse<String> malformed = sendKey("short");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"code\":6103");
    }

    private HttpResponse<String> sendKey(String key) throws Exception {
        final URI accounts = URI.create("http://127.0.0.1:" + listener.port() + "/client/v4/accounts");
        return client.send(HttpRequest.newBuilder(accounts)
                .timeout(Duration.ofSeconds(10)).header("x-auth-email", "ops@example.com").header("X-AUTH-KEY", key)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Requests Tomcat's connector refuses before any servlet runs, sent as they are. */
    @ParameterizedTest
    @ValueSource(strings = {
        "GET /client/v4/a%2Fb HTTP/1.1", "GET /client/v4/%zz HTTP/1.1", "GET /client/v4/<x> HTTP/1.1",
        "GET /client/v4/%ff%fe HTTP/1.1", "CONNECT www.example.com:80 HTTP/1.1", "GARBAGE",
        "GET /client/v4/\\..\\accounts HTTP/1.1", "GET /client/v4/accounts HTTP/1.1\r\nBad Header: 1",
        "GET / HTTP/1.1x", "GET / HTTP/1.1 extra", "GET / HTTP/2.0",
        "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3"})
    void whatTheConnectorRefusesIsInTheEnvelope(String head) throws Exception {
        final String answer = raw(head + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(answer).as(head).startsWith("HTTP/1.1 ");
        final int status = Integer.parseInt(answer.substring(9, 12));
        assertThat(status).as(answer).isBetween(400, 599);
        final String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        final JsonNode envelope = JSON.readTree(body);
        assertThat(envelope.get("success").asBoolean()).isFalse();
        assertThat(envelope.get("errors").get(0).get("code").asInt()).isGreaterThanOrEqualTo(1000);
        assertThat(envelope.get("result").isNull()).isTrue();
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aTakenAddressIsRefusedNamingItAndCloseReleasesThePort() {
        final int port = listener.port();
        assertThatThrownBy(() -> ApiListener.start(fulcrum.api(), fulcrum.metricsEndpoint(), "127.0.0.1", port))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("127.0.0.1:" + port);
        listener.close();
        listener = ApiListener.start(fulcrum.api(), fulcrum.metricsEndpoint(), "127.0.0.1", port);
        assertThat(listener.port()).isEqualTo(port);
    }
}
