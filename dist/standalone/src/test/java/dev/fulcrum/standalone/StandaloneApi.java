package dev.fulcrum.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A running standalone seen from outside: its REST API with the token, and raw requests to its proxy port. */
final class StandaloneApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    StandaloneApi(int apiPort, String token) {
        this.base = "http://127.0.0.1:" + apiPort + "/client/v4";
        this.token = token;
    }

    /**
     * Creates zone example.com, pool "web" with origin o1 on 127.0.0.1:{@code originPort}, and the load balancer
     * www.example.com on it; returns the pool's id.
     */
    String createLoadBalancer(int originPort) throws Exception {
        final String account = call("GET", "/accounts", null).get("result").get(0).get("id").asText();
        final String zone = call("POST", "/zones",
                "{\"name\":\"example.com\",\"account\":{\"id\":\"" + account + "\"}}").get("result").get("id").asText();
        final String pool = call("POST", "/accounts/" + account + "/load_balancers/pools",
                "{\"name\":\"web\",\"origins\":[{\"name\":\"o1\",\"address\":\"127.0.0.1\",\"port\":"
                        + originPort + "}]}").get("result").get("id").asText();
        call("POST", "/zones/" + zone + "/load_balancers", "{\"name\":\"www.example.com\",\"default_pools\":[\""
                + pool + "\"],\"fallback_pool\":\"" + pool + "\",\"proxied\":true}");
        return pool;
    }

    /** An API call that must succeed; its parsed envelope. */
    JsonNode call(String method, String path, String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        final HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    /**
     * GET / with {@code Host: host} through the proxy port. java.net.http refuses to set Host itself; a raw request
     * keeps the test honest.
     */
    static HttpResponse<String> proxied(int proxyPort, String host) throws Exception {
        return proxied(proxyPort, host, null);
    }

    /** As {@link #proxied(int, String)}, claiming {@code forwardedFor} in X-Forwarded-For unless it is null. */
    static HttpResponse<String> proxied(int proxyPort, String host, String forwardedFor) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return RawResponse.parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
