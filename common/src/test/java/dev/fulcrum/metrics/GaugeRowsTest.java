package dev.fulcrum.metrics;

import dev.fulcrum.health.HealthMetrics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The cached rows write what Micrometer's own exposition writes for them, once per family. */
class GaugeRowsTest {

    private final GaugeRows rows = new GaugeRows();
    private final PrometheusMeterRegistry fast = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            rows.prometheusRegistry(), Clock.SYSTEM);
    private final PrometheusMeterRegistry plain = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger value = new AtomicInteger(7);

    GaugeRowsTest() {
        rows.follow(fast);
    }

    private List<Gauge> register(MeterRegistry registry, String name, String description, String... tags) {
        final List<Gauge> gauges = new ArrayList<>();
        gauges.add(Gauge.builder(name, value, AtomicInteger::get).description(description).tags(Tags.of(tags))
                .strongReference(true).register(registry));
        return gauges;
    }

    private void registerBoth(String name, String description, String... tags) {
        register(fast, name, description, tags);
        register(plain, name, description, tags);
    }

    private String fastScrape() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        fast.scrape(out, MetricsEndpoint.CONTENT_TYPE);
        rows.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> sortedLines(String text) {
        return text.lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    @Test
    void writesTheSameSeriesAsMicrometerOnce() throws Exception {
        registerBoth(MetricNames.POOL_IN_FLIGHT, "Requests in flight to a pool", "pool", "eu", "pool_id", "p1");
        registerBoth(MetricNames.POOL_IN_FLIGHT, "Requests in flight to a pool", "pool", "a \"quoted\" \\ name\nx",
                "pool_id", "p2");
        registerBoth(MetricNames.ORIGIN_IN_FLIGHT, "In flight to an origin", "pool", "ünïcode", "pool_id", "p1",
                "origin", "o1");
        registerBoth(MetricNames.UPSTREAM_CONNECTIONS, "Pooled \\ connections\nsecond line", "destination",
                "http://10.0.0.1:80", "state", "open");
        registerBoth(HealthMetrics.POOL_ORIGINS, "Origins by state", "pool", "eu", "pool_id", "p1", "state",
                "healthy");
        registerBoth("fulcrum.other.gauge", "Not a row family", "k", "v");
        value.set(3);

        final String text = fastScrape();
        assertThat(sortedLines(text)).containsExactlyElementsOf(sortedLines(plain.scrape(MetricsEndpoint.CONTENT_TYPE)));
        assertThat(text).containsOnlyOnce("# TYPE fulcrum_pool_in_flight gauge")
                .containsOnlyOnce("# TYPE fulcrum_upstream_connections gauge");
        assertThat(rows.rows()).isEqualTo(5);
    }

    @Test
    void removedRowsAreNoLongerWritten() throws Exception {
        final List<Gauge> gauges = register(fast, MetricNames.ORIGIN_IN_FLIGHT, "d", "pool_id", "p1", "origin", "a");
        register(fast, MetricNames.ORIGIN_IN_FLIGHT, "d", "pool_id", "p1", "origin", "b");
        gauges.forEach(fast::remove);
        assertThat(rows.rows()).isOne();
        assertThat(fastScrape()).doesNotContain("origin=\"a\"").contains("origin=\"b\"");

        fast.find(MetricNames.ORIGIN_IN_FLIGHT).gauges().forEach(fast::remove);
        assertThat(rows.rows()).isZero();
        assertThat(fastScrape()).doesNotContain("fulcrum_origin_in_flight");
        // The family comes back with its next row (Micrometer registers its collector again).
        register(fast, MetricNames.ORIGIN_IN_FLIGHT, "d", "pool_id", "p1", "origin", "c");
        assertThat(fastScrape()).containsOnlyOnce("# TYPE fulcrum_origin_in_flight gauge")
                .contains("fulcrum_origin_in_flight{origin=\"c\",pool_id=\"p1\"} 7.0");
    }
}
