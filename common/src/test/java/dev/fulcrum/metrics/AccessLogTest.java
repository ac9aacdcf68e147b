package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.Fixtures;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.TestRequest;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;

/** The access log: one line per attempt after real proxied requests, off unless asked for. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AccessLogTest {

    private static final String HOST = "shop.example.test";

    private final Capture capture = new Capture();
    private LoopbackOrigin a;
    private UpstreamClient upstream;
    private FulcrumMetrics metrics;

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private Forwarder start(FulcrumMetrics m, ConfigSnapshot config) {
        metrics = m;
        final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(),
                m.outcomeListener());
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS, router.connections());
        router.update(config);
        m.update(config);
        m.bindRouter(router);
        return new Forwarder(router, upstream);
    }

    @Test
    void eachAttemptLogsOneLineWithNamesStatusTimeAndTheFailoverFlag() throws Exception {
        a = LoopbackOrigin.start("web 1");
        final Pool p = pool("eu", "random", origin("dead", refusedPort(), 1), origin(a, 0.001));
        final Forwarder forwarder = start(new FulcrumMetrics(new AccessLog(capture)),
                config(lb(HOST, "off", null, p), p));

        int failedOver = 0;
        for (int i = 0; i < 5; i++) {
            assertThat(forwarder.get(HOST, "/secret/path", "q=1")).isEqualTo(200);
        }
        for (String line : capture.lines) {
            assertThat(line).startsWith("lb=" + HOST + " pool=eu pool_id=" + p.id() + " origin=");
            assertThat(line).matches(".* upstream_ms=[0-9]+\\.[0-9]{3} .*").contains(" ray=");
            assertThat(line).doesNotContain("secret").doesNotContain("192.0.2.10");
            if (line.contains("failover=true")) {
                failedOver++;
                assertThat(line).contains("origin=\"web 1\" status=200 outcome=responded");
            } else if (line.contains("origin=dead")) {
                assertThat(line).contains("status=521 outcome=connect_failed").contains("failover=false");
            }
        }
        final long answered = capture.lines.stream().filter(l -> l.contains("status=200")).count();
        assertThat(answered).isEqualTo(5);
        assertThat(capture.lines).hasSize(5 + failedOver);
        assertThat(failedOver).isEqualTo(capture.lines.stream().filter(l -> l.contains("origin=dead")).count());
    }

    @Test
    void offByDefault() throws Exception {
        a = LoopbackOrigin.start("a");
        final Pool p = pool("eu", "random", origin(a, 1));
        final FulcrumMetrics m = new FulcrumMetrics();
        final Forwarder forwarder = start(m, config(lb(HOST, "off", null, p), p));

        forwarder.get(HOST, "/");

        assertThat(m.accessLog()).isNull();
        assertThat(m.outcomeListener()).isNotInstanceOf(AccessLog.class);
    }

    @Test
    void nothingIsFormattedWhenTheLoggerDropsInfo() {
        final Pool p = pool("eu", "random", origin("a", 8080, 1));
        final RouteDecision.Forward attempt = (RouteDecision.Forward) Fixtures.router(config(lb(HOST, "off", null, p),
                p)).route(TestRequest.to(HOST));
        final AccessLog log = new AccessLog(capture);

        capture.loggable = false;
        log.completed(attempt, Outcome.RESPONDED, 200, 1_000);
        assertThat(capture.lines).isEmpty();

        capture.loggable = true;
        log.completed(attempt, Outcome.RESPONDED, 200, 1_500_000);
        assertThat(capture.lines).hasSize(1);
        assertThat(capture.lines.get(0)).as("ids stand in for names before the first configuration")
                .startsWith("lb=" + attempt.loadBalancerId() + " pool=" + p.id() + " pool_id=" + p.id()
                        + " origin=a status=200 outcome=responded upstream_ms=1.500 failover=false ray=");
    }

    @Test
    void namesWithSpacesOrQuotesAreQuoted() {
        assertThat(AccessLog.value("web-1")).isEqualTo("web-1");
        assertThat(AccessLog.value("web 1")).isEqualTo("\"web 1\"");
        assertThat(AccessLog.value("a\"b")).isEqualTo("\"a\\\"b\"");
        assertThat(AccessLog.value("x=y")).isEqualTo("\"x=y\"");
        assertThat(AccessLog.value("")).isEqualTo("\"\"");
        assertThat(AccessLog.value("a\nb")).isEqualTo("\"a\\u000ab\"");
    }

    /** A sink that keeps the lines. */
    private static final class Capture implements AccessLog.Sink {

        final List<String> lines = new CopyOnWriteArrayList<>();
        volatile boolean loggable = true;

        @Override
        public boolean enabled() {
            return loggable;
        }

        @Override
        public void write(String line) {
            lines.add(line);
        }
    }
}
