package dev.fulcrum.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives Fulcrum's REST API over HTTP as an operator would: one load balancer on one unmonitored pool named
 * {@code web} with one origin {@code o1}. Every host's tests use it against the API listener they serve.
 */
public final class ApiCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    /** The ids the API gave the created objects. */
    public record Created(String zone, String pool, String loadBalancer) {
    }

    /** @param base e.g. {@code http://127.0.0.1:8081/client/v4} */
    public ApiCalls(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Creates zone, pool and load balancer. */
    public Created createLoadBalancer(String hostname, String originAddress, int originPort) throws Exception {
        final String account = call("GET", "/accounts", null).get("result").get(0).get("id").asText();
        final String zone = call("POST", "/zones", "{\"name\":\"" + zoneOf(hostname) + "\",\"account\":{\"id\":\""
                + account + "\"}}").get("result").get("id").asText();
        final String pool = call("POST", "/accounts/" + account + "/load_balancers/pools",
                "{\"name\":\"web\",\"origins\":[{\"name\":\"o1\",\"address\":\"" + originAddress + "\",\"port\":"
                        + originPort + "}]}").get("result").get("id").asText();
        final String lb = call("POST", "/zones/" + zone + "/load_balancers", "{\"name\":\"" + hostname
                + "\",\"default_pools\":[\"" + pool + "\"],\"fallback_pool\":\"" + pool + "\",\"proxied\":true}")
                .get("result").get("id").asText();
        return new Created(zone, pool, lb);
    }

    /** Deletes what {@link #createLoadBalancer} made, the load balancer only. */
    public void deleteLoadBalancer(Created created) throws Exception {
        call("DELETE", "/zones/" + created.zone() + "/load_balancers/" + created.loadBalancer(), null);
    }

    /** One call with the token; {@code path} is below the base. */
    public HttpResponse<String> send(String method, String path, String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                // Generous: a node's first call warms up its JSON and store on a CPU shared with other builds.
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        final HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private static String zoneOf(String hostname) {
        final String[] labels = hostname.split("\\.");
        return labels[labels.length - 2] + "." + labels[labels.length - 1];
    }
}
