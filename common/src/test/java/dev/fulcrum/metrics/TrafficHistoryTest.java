package dev.fulcrum.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.FakeClock;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The traffic history read from the real meters, fed by the real router's outcome reports (this test plays the
 * wrapper, reporting each attempt's outcome and time), on a clock the test moves.
 */
class TrafficHistoryTest {

    private static final String HOST = "www.example.test";

    private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FulcrumMetrics metrics = new FulcrumMetrics(null, false, true, clock);
    private final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(),
            metrics.outcomeListener());

    @AfterEach
    void close() {
        metrics.close();
    }

    private void configure(ConfigSnapshot config) {
        router.update(config);
        metrics.update(config);
    }

    private RouteDecision.Forward attempt() {
        return (RouteDecision.Forward) router.route(TestRequest.to(HOST));
    }

    @Test
    void eachIntervalHasRatesAndQuantilesPerLoadBalancerPoolAndOrigin() {
        final Pool web = pool("web", "random", origin("a", 8001, 1), origin("b", 8002, 0));
        configure(config(lb(HOST, "off", null, web), web));
        final TrafficHistory traffic = metrics.traffic();
        traffic.sample();

        // 20 answered in 1-2 ms, 2 of them 5xx; 1 in 400 ms; 2 refused connections. Weight 0 keeps b out.
        for (int i = 0; i < 20; i++) {
            attempt().complete(Outcome.RESPONDED, i < 2 ? 503 : 200, TimeUnit.MICROSECONDS.toNanos(1500));
        }
        attempt().complete(Outcome.RESPONDED, 200, TimeUnit.MILLISECONDS.toNanos(400));
        attempt().complete(Outcome.CONNECT_FAILED, 0, TimeUnit.MILLISECONDS.toNanos(1));
        attempt().complete(Outcome.CONNECT_FAILED, 0, TimeUnit.MILLISECONDS.toNanos(1));
        clock.advance(Duration.ofSeconds(5));
        traffic.sample();

        final ObjectNode json = traffic.toJson();
        assertThat(json.get("interval_seconds").asDouble()).isEqualTo(5.0);
        assertThat(json.get("timestamps")).hasSize(2);
        assertThat(json.get("timestamps").get(1).asText()).isEqualTo("2026-01-01T00:00:05.000000Z");
        final JsonNode lb = json.get("load_balancers").get(0);
        assertThat(lb.get("name").asText()).isEqualTo(HOST);
        final JsonNode series = lb.get("series");
        assertThat(series.get("requests").get(0).asDouble()).isZero();
        assertThat(series.get("requests").get(1).asDouble()).isEqualTo(23 / 5.0);
        assertThat(series.get("errors_52x").get(1).asDouble()).isEqualTo(2 / 5.0);
        assertThat(series.get("errors_5xx").get(1).asDouble()).isEqualTo(2 / 5.0);
        // 21 answered: the median lies in the 1-2.5 ms bucket, the 99th percentile in the 250-500 ms one.
        assertThat(series.get("p50_ms").get(1).asDouble()).isBetween(1.0, 2.5);
        assertThat(series.get("p99_ms").get(1).asDouble()).isBetween(250.0, 500.0);
        assertThat(series.get("p50_ms").get(0).isNull()).isTrue();

        final JsonNode pool = json.get("pools").get(0);
        assertThat(pool.get("name").asText()).isEqualTo("web");
        assertThat(pool.get("series").get("requests").get(1).asDouble()).isEqualTo(23 / 5.0);
        final JsonNode a = pool.get("origins").get(0);
        final JsonNode b = pool.get("origins").get(1);
        assertThat(a.get("name").asText()).isEqualTo("a");
        assertThat(a.get("series").get("requests").get(1).asDouble()).isEqualTo(23 / 5.0);
        assertThat(b.get("name").asText()).isEqualTo("b");
        assertThat(b.get("series").get("requests").get(1).asDouble()).isZero();
        assertThat(b.get("series").get("p99_ms").get(1).isNull()).isTrue();

        // A quiet interval is a quiet point, not a repeat of the last busy one.
        clock.advance(Duration.ofSeconds(5));
        traffic.sample();
        final JsonNode quiet = traffic.toJson().get("load_balancers").get(0).get("series");
        assertThat(quiet.get("requests").get(2).asDouble()).isZero();
        assertThat(quiet.get("p50_ms").get(2).isNull()).isTrue();
    }

    @Test
    void aFailoverAttemptIsPartOfTheRequestBeforeItForTheLoadBalancer() {
        final Pool web = pool("web", "random", origin("a", 8001, 1), origin("b", 8002, 1));
        configure(config(lb(HOST, "off", null, web), web));
        final TrafficHistory traffic = metrics.traffic();
        traffic.sample();

        final RouteDecision.Forward first = attempt();
        first.complete(Outcome.CONNECT_FAILED, 0, TimeUnit.MILLISECONDS.toNanos(1));
        final RouteDecision.Forward second = first.failover(dev.fulcrum.routing.UpstreamFailure.CONNECTION_REFUSED);
        assertThat(second).isNotNull();
        second.complete(Outcome.RESPONDED, 200, TimeUnit.MILLISECONDS.toNanos(2));
        clock.advance(Duration.ofSeconds(1));
        traffic.sample();

        final ObjectNode json = traffic.toJson();
        assertThat(json.get("load_balancers").get(0).get("series").get("requests").get(1).asDouble())
                .isCloseTo(1.0, within(1e-9));
        assertThat(json.get("pools").get(0).get("series").get("requests").get(1).asDouble())
                .isCloseTo(2.0, within(1e-9));
    }

    @Test
    void keepsTheLastIntervalsAndFollowsTheConfiguration() {
        final Pool web = pool("web", "random", origin("a", 8001, 1));
        configure(config(lb(HOST, "off", null, web), web));
        final TrafficHistory traffic = new TrafficHistory(new OriginMetrics(), new LoadBalancerMetrics(), clock,
                Duration.ofSeconds(5), 3);
        traffic.update(config(lb(HOST, "off", null, web), web));
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(5));
            traffic.sample();
        }
        final ObjectNode json = traffic.toJson();
        assertThat(json.get("timestamps")).hasSize(3);
        assertThat(json.get("load_balancers").get(0).get("series").get("requests")).hasSize(3);

        final Pool renamed = pool("web", "random", origin("a2", 8001, 1));
        traffic.update(config(lb("other.example.test", "off", null, renamed), renamed));
        final ObjectNode after = traffic.toJson();
        assertThat(after.get("load_balancers").get(0).get("name").asText()).isEqualTo("other.example.test");
        assertThat(after.get("pools").get(0).get("origins").get(0).get("name").asText()).isEqualTo("a2");
    }
}
