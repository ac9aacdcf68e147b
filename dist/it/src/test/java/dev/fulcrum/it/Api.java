package dev.fulcrum.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Fulcrum's REST API driven over HTTP, as an operator with curl would. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    /** @param base e.g. {@code http://127.0.0.1:8081/client/v4} */
    Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    String base() {
        return base;
    }

    /** A zone, one pool holding {@code origins} (random origin steering) and a load balancer on {@code host}. */
    LoadBalancer createLoadBalancer(String host, String originName, int originPort) throws Exception {
        return createWith(host, List.of(new OriginRef(originName, originPort)));
    }

    LoadBalancer createLoadBalancer(String host, List<Origin> origins) throws Exception {
        return createWith(host, origins.stream().map(o -> new OriginRef(o.name(), o.port())).toList());
    }

    private record OriginRef(String name, int port) {
    }


    private LoadBalancer createWith(String host, List<OriginRef> origins) throws Exception {
        final String account = call("GET", "/accounts", null).get("result").get(0).get("id").asText();
        final String zoneName = host.substring(host.indexOf('.') + 1);
        final String zone = call("POST", "/zones", "{\"name\":\"" + zoneName + "\",\"account\":{\"id\":\""
                + account + "\"}}").get("result").get("id").asText();
        final String originJson = origins.stream().map(o -> "{\"name\":\"" + o.name()
                + "\",\"address\":\"127.0.0.1\",\"port\":" + o.port() + "}").collect(Collectors.joining(","));
        final String pool = call("POST", "/accounts/" + account + "/load_balancers/pools",
                "{\"name\":\"it-pool\",\"origin_steering\":{\"policy\":\"random\"},\"origins\":[" + originJson
                        + "]}").get("result").get("id").asText();
        final String lb = call("POST", "/zones/" + zone + "/load_balancers", "{\"name\":\"" + host
                + "\",\"default_pools\":[\"" + pool + "\"],\"fallback_pool\":\"" + pool + "\",\"proxied\":true}")
                .get("result").get("id").asText();
        return new LoadBalancer(zone, lb);
    }

    void delete(LoadBalancer lb) throws Exception {
        call("DELETE", "/zones/" + lb.zone() + "/load_balancers/" + lb.id(), null);
    }

    /** The Prometheus scrape: {@code /metrics} next to {@code /client/v4}, with the same token. */
    HttpResponse<String> scrape() throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                base.substring(0, base.length() - "/client/v4".length()) + "/metrics")).timeout(Duration.ofSeconds(15));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        final HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as("%s %s -> %s", method, path, response.body()).isBetween(200, 299);
        final JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("success").asBoolean()).as(response.body()).isTrue();
        return json;
    }

    record LoadBalancer(String zone, String id) {
    }
}
