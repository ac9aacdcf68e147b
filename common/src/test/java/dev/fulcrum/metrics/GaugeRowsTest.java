package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthMetrics;
import dev.fulcrum.health.HealthMonitor;
import dev.fulcrum.health.HealthSettings;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.Fixtures;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.id;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The configuration-sized rows written straight into a scrape are what Micrometer's own Prometheus exposition writes
 * for the same rows as gauges, they follow each change, and the text is Prometheus' format.
 */
class GaugeRowsTest {

    private final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT);
    private UpstreamClient upstream;
    private HealthMonitor health;

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (health != null) {
            health.close();
        }
    }

    /** Names with every character the format escapes, and one no Micrometer tag would sort first. */
    private static ConfigSnapshot awkwardNames() {
        final Pool quoted = pool("a \"quoted\" \\ name\nx", "random", origin("ünïcode", "10.0.0.1", 8001, 1),
                origin("b", "10.0.0.2", 443, 1));
        final Pool plain = pool("eu", "random", origin("a", "10.0.0.1", 8001, 1), origin("v6", "[fd00::1]", 0, 1));
        return config(List.of(lb("shop.example.test", "off", null, quoted)), quoted, plain);
    }

    private static String write(GaugeWriter writer) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final GaugeRows rows = new GaugeRows(out);
        writer.writeTo(rows);
        rows.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    private interface GaugeWriter {
        void writeTo(GaugeRows rows) throws IOException;
    }

    private static List<String> sortedLines(String text) {
        return text.lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    @Test
    void inFlightRowsAreWhatMicrometerWrites() throws Exception {
        final ConfigSnapshot config = awkwardNames();
        router.update(config);
        final InFlightMetrics rows = new InFlightMetrics(router);
        rows.update(ConfigChange.initial(config));
        final PrometheusMeterRegistry micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        rows.bindTo(micrometer);

        final String text = write(rows::writeTo);
        assertThat(sortedLines(text)).containsExactlyElementsOf(sortedLines(micrometer.scrape()));
        assertThat(ScrapeText.parse(text).samples()).hasSize(2 + 4);
        assertThat(text).containsOnlyOnce("# TYPE fulcrum_pool_in_flight gauge");
    }

    @Test
    void connectionRowsAreWhatMicrometerWrites() throws Exception {
        final ConfigSnapshot config = awkwardNames();
        router.update(config);
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS, router.connections());
        for (boolean perOrigin : new boolean[] {true, false}) {
            final ConnectionMetrics rows = new ConnectionMetrics(upstream, perOrigin);
            rows.update(ConfigChange.initial(config));
            final PrometheusMeterRegistry micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            rows.bindTo(micrometer);

            final String text = write(rows::writeTo);
            assertThat(sortedLines(text)).containsExactlyElementsOf(sortedLines(micrometer.scrape()));
            // 10.0.0.1:8001 twice, 10.0.0.2 on https, [fd00::1]:80; or one set for all.
            assertThat(ScrapeText.parse(text).samples()).hasSize(perOrigin ? 3 * 3 : 3);
        }
    }

    @Test
    void poolOriginRowsAreWhatMicrometerWritesAndFollowTheHealthEngine() throws Exception {
        health = new HealthMonitor(HealthSettings.defaults().withInitialSpread(Duration.ofMillis(50))
                .withPublishPeriod(Duration.ofMillis(50)));
        final HealthMetrics meters = new HealthMetrics(health);
        final PrometheusMeterRegistry micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.bindTo(micrometer);
        final PoolOriginText rows = new PoolOriginText(meters);
        final Monitor tcp = new Monitor(id("monitor"), id("account"), Fixtures.T0, Fixtures.T0, "tcp", "GET",
                "/health", Map.of(), 0, 1, 0, 60, "2xx", "", false, false, 0, 0, "", "");
        final Pool web = pool("web \"1\"", "random", origin("closed", "127.0.0.1", 1, 1));
        health.update(new ConfigSnapshot(1, Map.of(), Map.of(), Map.of(tcp.id(), tcp),
                Map.of(web.id(), Fixtures.monitored(web)), Map.of()));
        health.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> ScrapeText.parse(write(rows::writeTo))
                .value("fulcrum_pool_origins", "pool", "web \"1\"", "pool_id", web.id(), "state", "unhealthy")
                == 1.0);
        final String text = write(rows::writeTo);
        final String micrometerRows = micrometer.scrape().lines().filter(l -> l.contains("fulcrum_pool_origins"))
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(sortedLines(text)).hasSize(2 + 3).containsExactlyElementsOf(sortedLines(micrometerRows));

        // The pool loses its monitor: its rows go.
        health.update(new ConfigSnapshot(2, Map.of(), Map.of(), Map.of(), Map.of(web.id(), web), Map.of()));
        assertThat(write(rows::writeTo)).isEmpty();
        assertThat(rows.textRows()).isZero();
    }

    @Test
    void rowsAppearAndDisappearWithChanges() throws Exception {
        ConfigSnapshot config = awkwardNames();
        router.update(config);
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS, router.connections());
        try (FulcrumMetrics metrics = new FulcrumMetrics()) {
            metrics.bindRouter(router);
            metrics.bindUpstream(upstream);
            metrics.update(ConfigChange.initial(config));
            final Pool eu = config.pools().values().stream().filter(p -> p.name().equals("eu")).findFirst()
                    .orElseThrow();
            ScrapeText scrape = ScrapeText.parse(metrics.scrape());
            assertThat(scrape.value("fulcrum_pool_in_flight", "pool", "eu", "pool_id", eu.id())).isZero();
            assertThat(scrape.value("fulcrum_upstream_connections", "destination", "http://[fd00::1]:80", "state",
                    "idle")).isZero();
            assertThat(metrics.registry().find(MetricNames.POOL_IN_FLIGHT).gauges()).as("not in Micrometer")
                    .isEmpty();

            // Renamed, and its v6 origin replaced: the rows follow at the next scrape.
            final Pool renamed = new Pool(eu.id(), eu.accountId(), eu.createdOn(), eu.modifiedOn(), null, "europe",
                    "", true, 1, null, null, List.of(eu.origins().get(0), origin("c", "10.0.0.3", 8001, 1)),
                    "random", null, null, null, null, "", null, null);
            ConfigChange change = config.apply(ConfigEdit.putting(renamed), config.revision() + 1);
            config = change.next();
            router.update(change);
            metrics.update(change);
            scrape = ScrapeText.parse(metrics.scrape());
            assertThat(scrape.labelled("pool", "eu")).isEmpty();
            assertThat(scrape.labelled("pool", "europe")).hasSize(3);
            assertThat(scrape.labelled("destination", "http://[fd00::1]:80")).isEmpty();
            assertThat(scrape.labelled("destination", "http://10.0.0.3:8001")).hasSize(3);
            assertThat(scrape.labelled("destination", "http://10.0.0.1:8001")).as("still held by the other pool")
                    .hasSize(3);

            // Deleted: none of its rows, nor its text, remain.
            final int before = metrics.gaugeRows();
            change = config.apply(new ConfigEdit().delete(ConfigKind.POOL, eu.id()), config.revision() + 1);
            router.update(change);
            metrics.update(change);
            scrape = ScrapeText.parse(metrics.scrape());
            assertThat(scrape.labelled("pool_id", eu.id())).isEmpty();
            assertThat(scrape.labelled("destination", "http://10.0.0.3:8001")).isEmpty();
            assertThat(scrape.labelled("destination", "http://10.0.0.1:8001")).hasSize(3);
            assertThat(metrics.gaugeRows()).isEqualTo(before - 3 - 3);
        }
    }

    @Test
    void theParserRefusesWhatIsNotPrometheusText() {
        final String family = "# HELP x_total d\n# TYPE x_total counter\n";
        assertThat(ScrapeText.parse(family + "x_total{a=\"q\\\"\\\\\\n\"} 1.0\n").value("x_total", "a", "q\"\\\n"))
                .isEqualTo(1.0);
        for (String bad : List.of("x_total{a=\"1\"} 1.0\n", family + "x_total{a=\"1\"}1.0\n",
                family + "x_total{a=\"1\"} 1.0\nx_total{a=\"1\"} 2.0\n", family + "x_total{a=1} 1.0\n",
                family + "# TYPE y gauge\ny 1\nx_total 1\n")) {
            assertThatThrownBy(() -> ScrapeText.parse(bad))
                    .as(bad).isInstanceOf(AssertionError.class);
        }
    }
}
