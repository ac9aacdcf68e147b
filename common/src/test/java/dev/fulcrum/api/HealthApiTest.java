package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.fulcrum.api.ApiProtocolTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Pool health and monitor previews through the API, against real origins on loopback. */
class HealthApiTest {

    @TempDir
    Path dir;

    private ApiServer api;
    private Server good;
    private Server bad;
    private String base;

    @BeforeEach
    void start() throws Exception {
        good = origin(200);
        bad = origin(503);
        api = ApiServer.start(dir);
        base = "/accounts/" + api.accountId() + "/load_balancers";
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        good.stop();
        bad.stop();
    }

    private static Server origin(int status) throws Exception {
        final Server server = new Server();
        final ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(status);
                Content.Sink.write(response, true, "status " + status, callback);
                return true;
            }
        });
        server.start();
        return server;
    }

    private static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private String create(String collection, String body) {
        final ApiServer.Reply reply = api.post(base + collection, body);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    private String monitor() {
        return create("/monitors", "{\"type\":\"http\",\"expected_codes\":\"2xx\",\"timeout\":2,\"retries\":0}");
    }

    private String pool(String name, String monitorId) {
        final String monitor = monitorId == null ? "" : ",\"monitor\":\"" + monitorId + "\"";
        return create("/pools", "{\"name\":\"" + name + "\",\"origins\":["
                + "{\"name\":\"good\",\"address\":\"127.0.0.1\",\"port\":" + port(good) + "},"
                + "{\"name\":\"bad\",\"address\":\"127.0.0.1\",\"port\":" + port(bad) + "}]" + monitor + "}");
    }

    private static JsonNode status(JsonNode origins, int index) {
        return origins.get(index).get("127.0.0.1");
    }

    @Test
    void poolHealthOfAMonitorGroupShowsEachMembersResult() {
        final String deciding = monitor();
        final String reporting = create("/monitors", "{\"type\":\"http\",\"expected_codes\":\"200\","
                + "\"path\":\"/other\",\"timeout\":2,\"retries\":0}");
        final String group = create("/monitor_groups", "{\"description\":\"g\",\"members\":["
                + "{\"monitor_id\":\"" + deciding + "\",\"enabled\":true,\"monitoring_only\":false,"
                + "\"must_be_healthy\":true},{\"monitor_id\":\"" + reporting + "\",\"enabled\":true,"
                + "\"monitoring_only\":true,\"must_be_healthy\":false}]}");
        final String pool = create("/pools", "{\"name\":\"grouped\",\"monitor_group\":\"" + group
                + "\",\"origins\":[{\"name\":\"good\",\"address\":\"127.0.0.1\",\"port\":" + port(good)
                + "},{\"name\":\"bad\",\"address\":\"127.0.0.1\",\"port\":" + port(bad) + "}]}");

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            final JsonNode pop = api.get(base + "/pools/" + pool + "/health").result().get("pop_health")
                    .get("Fulcrum");
            // Each member's result is read live; the origins' verdicts once published.
            if (pop == null) {
                return false;
            }
            final JsonNode up = status(pop.get("origins"), 0);
            final JsonNode down = status(pop.get("origins"), 1);
            return up.path("monitors").findValues("failure_reason").size() == 2
                    && down.path("monitors").findValues("failure_reason").size() == 2
                    && up.has("rtt") && down.has("failure_reason");
        });
        final JsonNode pop = api.get(base + "/pools/" + pool + "/health").result().get("pop_health").get("Fulcrum");
        assertThat(pop.get("healthy").asBoolean()).isTrue();
        final JsonNode up = status(pop.get("origins"), 0);
        assertThat(up.get("healthy").asBoolean()).isTrue();
        final JsonNode upMembers = up.get("monitors");
        assertThat(upMembers.get(0).get("monitor_id").asText()).isEqualTo(deciding);
        assertThat(upMembers.get(0).get("must_be_healthy").asBoolean()).isTrue();
        assertThat(upMembers.get(0).get("healthy").asBoolean()).isTrue();
        assertThat(upMembers.get(1).get("monitor_id").asText()).isEqualTo(reporting);
        assertThat(upMembers.get(1).get("monitoring_only").asBoolean()).isTrue();
        assertThat(upMembers.get(1).get("healthy").asBoolean()).isTrue();
        final JsonNode down = status(pop.get("origins"), 1);
        assertThat(down.get("healthy").asBoolean()).isFalse();
        assertThat(down.get("failure_reason").asText()).isEqualTo("Response code mismatch error");
        assertThat(down.get("monitors").get(0).get("response_code").asInt()).isEqualTo(503);
    }

    @Test
    void poolHealthReportsThisNodeAsTheOnePop() {
        final String pool = pool("web", monitor());

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            final JsonNode pop = api.get(base + "/pools/" + pool + "/health").result().get("pop_health")
                    .get("Fulcrum");
            return pop != null && status(pop.get("origins"), 1).has("failure_reason")
                    && status(pop.get("origins"), 0).has("rtt");
        });

        final JsonNode result = api.get(base + "/pools/" + pool + "/health").result();
        assertThat(result.get("pool_id").asText()).isEqualTo(pool);
        final JsonNode pop = result.get("pop_health").get("Fulcrum");
        assertThat(pop.get("healthy").asBoolean()).isTrue();
        final JsonNode up = status(pop.get("origins"), 0);
        assertThat(up.get("name").asText()).isEqualTo("good");
        assertThat(up.get("port").asInt()).isEqualTo(port(good));
        assertThat(up.get("healthy").asBoolean()).isTrue();
        assertThat(up.get("rtt").asText()).matches("\\d+\\.\\dms");
        assertThat(up.get("failure_reason").asText()).isEqualTo("No failures");
        assertThat(up.get("response_code").asInt()).isEqualTo(200);
        final JsonNode down = status(pop.get("origins"), 1);
        assertThat(down.get("name").asText()).isEqualTo("bad");
        assertThat(down.get("port").asInt()).isEqualTo(port(bad));
        assertThat(down.get("healthy").asBoolean()).isFalse();
        assertThat(down.get("failure_reason").asText()).isEqualTo("Response code mismatch error");
        assertThat(down.get("response_code").asInt()).isEqualTo(503);
    }

    @Test
    void everyTransitionIsInTheEventLog() {
        final String pool = pool("logged", monitor());

        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/user/load_balancing_analytics/events?pool_id=" + pool).result().size() == 2);

        final JsonNode events = api.get("/user/load_balancing_analytics/events?pool_id=" + pool).result();
        for (JsonNode event : events) {
            assertThat(event.get("pool").get("id").asText()).isEqualTo(pool);
            assertThat(event.get("timestamp").asText()).endsWith("Z");
        }
        final JsonNode healthy = api.get("/user/load_balancing_analytics/events?origin_healthy=true&pool_id=" + pool)
                .result();
        assertThat(healthy).hasSize(1);
        final JsonNode up = healthy.get(0).get("origins").get(0);
        assertThat(up.get("name").asText()).isEqualTo("good");
        assertThat(up.get("failure_reason").asText()).isEqualTo("No failures");
        final JsonNode down = api.get("/user/load_balancing_analytics/events?origin_healthy=false&pool_id=" + pool)
                .result().get(0).get("origins").get(0);
        assertThat(down.get("name").asText()).isEqualTo("bad");
        assertThat(down.get("failure_reason").asText()).isEqualTo("Response code mismatch error");
        assertThat(down.get("response_code").asInt()).isEqualTo(503);
        assertThat(api.get("/user/load_balancing_analytics/events?since=2999-01-01T00:00:00Z").result()).isEmpty();
        assertFailure(api.get("/user/load_balancing_analytics/events?origin_healthy=maybe"), 400, 1002,
                "origin_healthy: 'maybe' (expected: true or false): validation failed");
    }

    @Test
    void poolWithoutMonitorHasNoHealthData() {
        final String pool = pool("plain", null);

        final JsonNode result = api.get(base + "/pools/" + pool + "/health").result();

        assertThat(result.get("pop_health").isEmpty()).isTrue();
        final String unknown = base + "/pools/" + "0".repeat(32) + "/health";
        assertFailure(api.get(unknown), 404, 7003,
                "Could not route to " + unknown + ", perhaps your object identifier is invalid?");
    }

    @Test
    void poolPreviewRunsTheCandidateOnce() {
        final String pool = pool("web", null);

        final ApiServer.Reply started = api.post(base + "/pools/" + pool + "/preview",
                "{\"type\":\"http\",\"expected_codes\":\"2xx\",\"timeout\":2}");

        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        final String previewId = started.result().get("preview_id").asText();
        assertThat(previewId).matches("[0-9a-f]{32}");
        assertThat(started.result().get("pools").get(pool).asText()).isEqualTo("web");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get(base + "/preview/" + previewId).result().get(pool).get("origins").size() == 2);
        final JsonNode result = api.get(base + "/preview/" + previewId).result().get(pool);
        assertThat(result.get("healthy").asBoolean()).isTrue();
        assertThat(status(result.get("origins"), 0).get("healthy").asBoolean()).isTrue();
        assertThat(status(result.get("origins"), 1).get("failure_reason").asText())
                .isEqualTo("Response code mismatch error");
    }

    @Test
    void monitorPreviewCoversEveryPoolUsingTheMonitor() {
        final String monitor = monitor();
        final String first = pool("first", monitor);
        final String second = pool("second", monitor);
        pool("other", null);

        final ApiServer.Reply started = api.post(base + "/monitors/" + monitor + "/preview",
                "{\"type\":\"http\",\"expected_codes\":\"5xx\",\"timeout\":2}");

        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        assertThat(started.result().get("pools").size()).isEqualTo(2);
        assertThat(started.result().get("pools").get(first).asText()).isEqualTo("first");
        assertThat(started.result().get("pools").get(second).asText()).isEqualTo("second");
        final String previewId = started.result().get("preview_id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get(base + "/preview/" + previewId).result().get(second).get("origins").size() == 2);
        final JsonNode origins = api.get(base + "/preview/" + previewId).result().get(second).get("origins");
        assertThat(status(origins, 0).get("healthy").asBoolean()).isFalse();
        assertThat(status(origins, 1).get("healthy").asBoolean()).isTrue();
    }

    @Test
    void badCandidatesAndUnknownPreviewsAreRefused() {
        final String pool = pool("web", null);

        final ApiServer.Reply invalid = api.post(base + "/pools/" + pool + "/preview", "{\"type\":\"gopher\"}");
        assertFailure(invalid, 400, 1002,
                "type: \"gopher\" (expected: one of http, https, tcp, udp_icmp, icmp_ping, smtp): validation failed");
        for (final String id : new String[] {"a".repeat(32), "not-an-id"}) {
            final String path = base + "/preview/" + id;
            assertFailure(api.get(path), 404, 7003,
                    "Could not route to " + path + ", perhaps your object identifier is invalid?");
        }
    }
}
