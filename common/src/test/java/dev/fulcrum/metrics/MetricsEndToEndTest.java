package dev.fulcrum.metrics;

import dev.fulcrum.affinity.AffinityCookieCodec;
import dev.fulcrum.affinity.AffinitySettings;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.TestRequest;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.fulcrum.testing.AffinityFixtures.withAffinity;
import static dev.fulcrum.testing.AffinityFixtures.withOrigins;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.health;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.monitored;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meters after real proxied requests: the real router, the real upstream client and the forwarding loop
 * (retries, failover), loopback origins, and the metrics wired the way the runtime wires them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndToEndTest {

    private static final String HOST = "shop.example.test";

    private final List<AutoCloseable> resources = new ArrayList<>();
    private FulcrumMetrics metrics;
    private SnapshotRouter router;
    private Router routed;
    private UpstreamClient upstream;
    private Forwarder forwarder;

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private LoopbackOrigin startOrigin(String name) throws Exception {
        final LoopbackOrigin origin = LoopbackOrigin.start(name);
        resources.add(origin);
        return origin;
    }

    private void start(ConfigSnapshot config) {
        metrics = new FulcrumMetrics();
        router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(), metrics.outcomeListener(),
                AffinitySettings.ephemeral(), metrics.affinityRecorder());
        metrics.bindRouter(router);
        routed = router;
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS, router.connections());
        metrics.bindUpstream(upstream);
        apply(config);
        forwarder = new Forwarder(routed, upstream);
    }

    /** What the runtime does on each committed snapshot: the router first, then the meters. */
    private void apply(ConfigSnapshot config) {
        router.update(config);
        metrics.update(config);
    }

    private MeterRegistry registry() {
        return metrics.registry();
    }

    private double requests(Pool pool, String origin, String outcome, String status) {
        final Counter c = registry().find(MetricNames.ORIGIN_REQUESTS).tags("lb", HOST, "pool", pool.name(),
                "pool_id", pool.id(), "origin", origin, "outcome", outcome, "status", status).counter();
        return c == null ? 0 : c.count();
    }

    /** The scrape's series with label {@code key} = {@code value}: every meter's, the configuration-sized rows' too. */
    private List<ScrapeText.Sample> metersTagged(String key, String value) {
        return ScrapeText.parse(metrics.scrape()).labelled(key, value);
    }

    /** A configuration-sized row's value in a scrape (they are not Micrometer meters), or null when absent. */
    private Double row(String name, String... labels) {
        return ScrapeText.parse(metrics.scrape()).value(name, labels);
    }

    @Test
    void attemptsAreCountedByOutcomeAndStatusClassWithConfiguredNames() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final Pool p = pool("eu", "random", origin(a, 1));
        start(config(lb(HOST, "off", null, p), p));

        for (int i = 0; i < 8; i++) {
            assertThat(forwarder.get(HOST, "/")).isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(forwarder.get(HOST, "/", "status=503")).isEqualTo(503);
        }

        assertThat(requests(p, "a", "responded", "2xx")).isEqualTo(8);
        assertThat(requests(p, "a", "responded", "5xx")).isEqualTo(2);
        final Timer latency = registry().find(MetricNames.ORIGIN_LATENCY).tags("lb", HOST, "pool", "eu",
                "pool_id", p.id(), "origin", "a").timer();
        assertThat(latency).isNotNull();
        assertThat(latency.count()).isEqualTo(10);
        assertThat(latency.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(latency.takeSnapshot().histogramCounts()).as("histogram buckets for percentiles").isNotEmpty();

        assertThat(row("fulcrum_origin_in_flight", "origin", "a", "pool", "eu", "pool_id", p.id())).isZero();
        assertThat(row("fulcrum_pool_in_flight", "pool", "eu", "pool_id", p.id())).isZero();

        final String destination = "http://127.0.0.1:" + a.port();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(row("fulcrum_upstream_connections",
                "destination", destination, "state", "open")).isGreaterThanOrEqualTo(1));
        assertThat(row("fulcrum_upstream_connections", "destination", destination, "state", "idle")).isNotNull();
    }

    @Test
    void inFlightGaugeSeesARequestWhileItIsAtTheOrigin() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final Pool p = pool("eu", "random", origin(a, 1));
        start(config(lb(HOST, "off", null, p), p));
        final Supplier<Double> inFlight = () -> row("fulcrum_origin_in_flight", "origin", "a", "pool", "eu",
                "pool_id", p.id());

        final Thread slow = new Thread(() -> {
            try {
                forwarder.get(HOST, "/", "delay=1500");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        slow.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.get() == 1.0);
        } finally {
            slow.join(10_000);
        }
        assertThat(inFlight.get()).isZero();
    }

    @Test
    void aFailoverIsCountedOnItsTargetAndTheFailedAttemptByItsOutcome() throws Exception {
        final LoopbackOrigin live = startOrigin("live");
        final int deadPort = refusedPort();
        // The dead origin takes nearly all first picks, so failovers happen on almost every request.
        final Pool p = pool("eu", "random", origin("dead", deadPort, 1), origin(live, 0.001));
        start(config(lb(HOST, "off", null, p), p));

        for (int i = 0; i < 10; i++) {
            assertThat(forwarder.get(HOST, "/")).isEqualTo(200);
        }

        final double failedFirst = requests(p, "dead", "connect_failed", "5xx");
        assertThat(failedFirst).as("attempts refused by the dead origin (521)").isPositive();
        final Counter failovers = registry().find(MetricNames.ORIGIN_FAILOVERS).tags("pool_id", p.id(),
                "origin", "live").counter();
        assertThat(failovers).isNotNull();
        assertThat(failovers.count()).isEqualTo(failedFirst);
        assertThat(requests(p, "live", "responded", "2xx")).isEqualTo(10);
        assertThat(registry().find(MetricNames.ORIGIN_FAILOVERS).tags("origin", "dead").counter()).isNull();
    }

    @Test
    void aStaleConnectionRetryIsCounted() throws Exception {
        final LoopbackOrigin a = startOrigin("a").closeReusedAfter(Duration.ofMillis(40));
        final Pool p = pool("eu", "random", origin(a, 1));
        start(config(lb(HOST, "off", null, p), p));

        for (int i = 0; i < 4; i++) {
            assertThat(forwarder.get(HOST, "/")).isEqualTo(200);
            Thread.sleep(60); // the idle gap that makes the origin drop the pooled connection on reuse
        }

        assertThat(a.droppedRequests()).as("the race was provoked").isPositive();
        final Counter retries = registry().find(MetricNames.ORIGIN_RETRIES).tags("pool_id", p.id(), "origin", "a",
                "reason", "stale_connection").counter();
        assertThat(retries).isNotNull();
        assertThat(retries.count()).isEqualTo(a.droppedRequests());
        assertThat(requests(p, "a", "responded", "2xx")).as("a retried send is one attempt").isEqualTo(4);
    }

    @Test
    void answersTheLoadBalancerGivesItselfAreCountedWithItsName() throws Exception {
        final Pool p = monitored(pool("eu", "random", origin("down", refusedPort(), 1)));
        final ConfigSnapshot config = config(lb(HOST, "off", null, p), p);
        start(config);
        router.update(health().down(p, p.origins().get(0)).build());

        assertThat(forwarder.get(HOST, "/")).isEqualTo(530);
        assertThat(forwarder.get(HOST.toUpperCase(), "/")).isEqualTo(530);
        assertThat(forwarder.get("unknown.example.test", "/")).isEqualTo(404);

        final Counter fixed = registry().find(MetricNames.LB_FIXED_RESPONSES).tags("lb", HOST, "status", "530")
                .counter();
        assertThat(fixed).isNotNull();
        assertThat(fixed.count()).isEqualTo(2);
        assertThat(registry().find(MetricNames.LB_FIXED_RESPONSES).counters()).hasSize(1);
        assertThat(registry().find(MetricNames.ORIGIN_REQUESTS).counters()).isEmpty();
    }

    @Test
    void aConfigurationChangeRemovesTheMetersOfRemovedAndRenamedObjects() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = pool("eu", "random", origin(a, 1), origin(b, 1));
        final LoadBalancer lb = lb(HOST, "off", null, p);
        start(config(lb, p));
        for (int i = 0; i < 40; i++) {
            forwarder.get(HOST, "/");
        }
        assertThat(metersTagged("origin", "b")).as("b served some of 40 requests").isNotEmpty();
        final String bDestination = "http://127.0.0.1:" + b.port();
        assertThat(metersTagged("destination", bDestination)).hasSize(3);

        // b leaves the pool.
        final Pool onlyA = pool("eu", "random", origin(a, 1));
        apply(withRevision(config(lb, onlyA), 2));

        assertThat(metersTagged("origin", "b")).as("requests, latency and in-flight of b").isEmpty();
        assertThat(metersTagged("destination", bDestination)).isEmpty();
        assertThat(metersTagged("origin", "a")).isNotEmpty();
        assertThat(requests(onlyA, "a", "responded", "2xx")).as("a's counts survive").isPositive();

        // The pool is renamed: its meters go and come back under the new name with the next request.
        final Pool renamed = new Pool(onlyA.id(), onlyA.accountId(), onlyA.createdOn(), onlyA.modifiedOn(),
                onlyA.disabledAt(), "europe", "", true, 1, null, null, onlyA.origins(), "random", null, null, null,
                null, "", null, null);
        apply(withRevision(config(lb, renamed), 3));
        assertThat(metersTagged("pool", "eu")).isEmpty();
        assertThat(metersTagged("pool", "europe")).as("in-flight rows follow the name at once").isNotEmpty();
        forwarder.get(HOST, "/");
        assertThat(requests(renamed, "a", "responded", "2xx")).isEqualTo(1);

        // The load balancer is deleted: nothing tagged with it remains.
        apply(withRevision(config(List.of(), renamed), 4));
        assertThat(metersTagged("lb", HOST)).isEmpty();
    }

    @Test
    void aReportForAnObjectRemovedMeanwhileCreatesNoMeter() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final Pool p = pool("eu", "random", origin(a, 1));
        start(config(lb(HOST, "off", null, p), p));

        final RouteDecision.Forward decided = (RouteDecision.Forward) routed.route(TestRequest.to(HOST));
        apply(withRevision(config(List.of(), p), 2));
        decided.complete(Outcome.RESPONDED, 200, 1_000_000);

        assertThat(metersTagged("lb", HOST)).isEmpty();
    }

    @Test
    void theScrapeIsPrometheusText() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final Pool p = pool("eu", "random", origin(a, 1));
        start(config(lb(HOST, "off", null, p), p));
        forwarder.get(HOST, "/");

        final String text = metrics.scrape();

        assertThat(text).contains("# TYPE fulcrum_origin_requests_total counter");
        assertThat(text).contains("fulcrum_origin_requests_total{lb=\"" + HOST + "\",origin=\"a\",outcome=\"responded\","
                + "pool=\"eu\",pool_id=\"" + p.id() + "\",status=\"2xx\"} 1");
        assertThat(text).contains("# TYPE fulcrum_origin_latency_seconds histogram");
        assertThat(text).containsPattern("fulcrum_origin_latency_seconds_bucket\\{lb=\"" + HOST.replace(".", "\\.")
                + "\",origin=\"a\",pool=\"eu\",pool_id=\"" + p.id() + "\",le=\"[0-9.E-]+\"} 1");
        assertThat(text).contains("fulcrum_origin_in_flight{origin=\"a\",pool=\"eu\",pool_id=\"" + p.id() + "\"} 0");
        assertThat(text).contains("# TYPE jvm_memory_used_bytes gauge");
    }

    @Test
    void cookieAffinityCountsMissesHitsAndRepinsInTheRuntimesMeters(@TempDir Path dataDir) throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool both = pool("eu", "random", origin(a, 1), origin(b, 1));
        final LoadBalancer lb = withAffinity(lb(HOST, "off", both, both), "cookie", null,
                SessionAffinityAttributes.DEFAULT);
        try (Fulcrum fulcrum = new Fulcrum(FulcrumSettings.builder().dataDir(dataDir).build()).start()) {
            commit(fulcrum, lb, both);
            final Router router = fulcrum.router();
            final Forwarder runtime = new Forwarder(router, fulcrum.upstream());

            // No cookie: a miss, and the answer pins the session.
            final RouteDecision.Forward first = (RouteDecision.Forward) router.route(TestRequest.to(HOST));
            final String cookie = pinCookie(first);
            assertThat(cookie).startsWith(AffinityCookieCodec.COOKIE_NAME + "=");
            assertThat(runtime.send(first, "/", null)).isEqualTo(200);

            // The cookie back: served on the pin, no new cookie.
            for (int i = 0; i < 2; i++) {
                final RouteDecision.Forward pinned = (RouteDecision.Forward) router.route(TestRequest.to(HOST)
                        .cookies(cookie));
                assertThat(pinned.originName()).isEqualTo(first.originName());
                assertThat(pinCookie(pinned)).isNull();
                assertThat(runtime.send(pinned, "/", null)).isEqualTo(200);
            }

            // The pinned origin leaves the pool: the pin is broken and replaced by one to the other origin.
            final Pool remaining = withOrigins(both, first.originName().equals("a") ? origin(b, 1) : origin(a, 1));
            commit(fulcrum, lb, remaining);
            final RouteDecision.Forward repinned = (RouteDecision.Forward) router.route(TestRequest.to(HOST)
                    .cookies(cookie));
            assertThat(repinned.originName()).isNotEqualTo(first.originName());
            assertThat(pinCookie(repinned)).isNotNull().isNotEqualTo(cookie);
            assertThat(runtime.send(repinned, "/", null)).isEqualTo(200);

            final MeterRegistry meters = fulcrum.metrics().registry();
            for (Map.Entry<String, Double> expected : Map.of("miss", 1.0, "hit", 2.0, "repin", 1.0).entrySet()) {
                final Counter counter = meters.find(MetricNames.LB_AFFINITY).tags("lb", HOST,
                        "result", expected.getKey()).counter();
                assertThat(counter).as(expected.getKey()).isNotNull();
                assertThat(counter.count()).as(expected.getKey()).isEqualTo(expected.getValue());
            }
            assertThat(fulcrum.metrics().scrape())
                    .contains("fulcrum_lb_affinity_total{lb=\"" + HOST + "\",result=\"hit\"} 2");
        }
    }

    /** Commits the load balancer and pools to the runtime's store, keeping its account. */
    private static void commit(Fulcrum fulcrum, LoadBalancer lb, Pool... pools) {
        final ConfigSnapshot wanted = config(lb, pools);
        fulcrum.store().update(c -> new ConfigSnapshot(c.revision(), c.accounts(), c.zones(), c.monitors(),
                wanted.pools(), wanted.loadBalancers()));
    }

    /** The {@code Cookie} header value a browser would send back for the decision's affinity cookie, or null. */
    private static String pinCookie(RouteDecision decision) {
        for (Map.Entry<String, String> header : decision.responseHeaders()) {
            if ("Set-Cookie".equalsIgnoreCase(header.getKey())) {
                return header.getValue().substring(0, header.getValue().indexOf(';'));
            }
        }
        return null;
    }

    private static ConfigSnapshot withRevision(ConfigSnapshot c, long revision) {
        return new ConfigSnapshot(revision, c.accounts(), c.zones(), c.monitors(), c.pools(), c.loadBalancers());
    }

}
