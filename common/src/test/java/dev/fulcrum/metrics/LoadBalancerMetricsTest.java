package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

/** Affinity and fixed-response counters: tagged with the configured name, bounded by it, removed with it. */
class LoadBalancerMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LoadBalancerMetrics metrics = new LoadBalancerMetrics();
    private final Pool p = pool("eu", "random", origin("a", 8080, 1));
    private final LoadBalancer shop = lb("shop.example.test", "off", null, p);
    private final LoadBalancer blog = lb("blog.example.test", "off", null, p);

    private double count(String name, String lb, String tag, String value) {
        final Counter c = registry.find(name).tags(MetricNames.TAG_LB, lb, tag, value).counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void affinityResultsAreCountedPerLoadBalancer() {
        metrics.bindTo(registry);
        metrics.update(config(List.of(shop, blog), p));

        metrics.hit(shop.id());
        metrics.hit(shop.id());
        metrics.miss(shop.id());
        metrics.repinned(shop.id());
        metrics.miss(blog.id());

        assertThat(count(MetricNames.LB_AFFINITY, "shop.example.test", "result", "hit")).isEqualTo(2);
        assertThat(count(MetricNames.LB_AFFINITY, "shop.example.test", "result", "miss")).isEqualTo(1);
        assertThat(count(MetricNames.LB_AFFINITY, "shop.example.test", "result", "repin")).isEqualTo(1);
        assertThat(count(MetricNames.LB_AFFINITY, "blog.example.test", "result", "miss")).isEqualTo(1);
        assertThat(count(MetricNames.LB_AFFINITY, "blog.example.test", "result", "hit")).as("never created")
                .isEqualTo(-1);
    }

    @Test
    void unknownLoadBalancersAndUnboundMetricsRecordNothing() {
        metrics.hit(shop.id());
        metrics.fixedResponse(shop.id(), 530);
        metrics.bindTo(registry);
        metrics.hit(shop.id());
        metrics.fixedResponse(null, 530);

        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void deletedOrRenamedLoadBalancersLoseTheirCounters() {
        metrics.bindTo(registry);
        metrics.update(config(List.of(shop, blog), p));
        metrics.hit(shop.id());
        metrics.fixedResponse(shop.id(), 530);
        metrics.miss(blog.id());

        final LoadBalancer renamed = new LoadBalancer(blog.id(), blog.zoneId(), blog.createdOn(), blog.modifiedOn(),
                "news.example.test", "", true, true, 30, null, blog.defaultPools(), null, null, null, "off",
                blog.randomSteering(), blog.adaptiveRouting(), blog.locationStrategy(), "none", null,
                blog.sessionAffinityAttributes(), List.of(), null);
        metrics.update(new ConfigSnapshot(2, Map.of(), Map.of(), Map.of(),
                Map.of(p.id(), p), Map.of(renamed.id(), renamed)));

        assertThat(registry.getMeters()).isEmpty();
        metrics.miss(blog.id());
        metrics.hit(shop.id());
        assertThat(count(MetricNames.LB_AFFINITY, "news.example.test", "result", "miss")).isEqualTo(1);
        assertThat(registry.getMeters()).hasSize(1);
    }

    @Test
    void fixedResponsesAreCountedByStatus() {
        metrics.bindTo(registry);
        metrics.update(config(List.of(shop), p));

        metrics.fixedResponse(shop.id(), 530);
        metrics.fixedResponse(shop.id(), 530);
        metrics.fixedResponse(shop.id(), 508);

        assertThat(count(MetricNames.LB_FIXED_RESPONSES, "shop.example.test", "status", "530")).isEqualTo(2);
        assertThat(count(MetricNames.LB_FIXED_RESPONSES, "shop.example.test", "status", "508")).isEqualTo(1);
    }

    @Test
    void statusClasses() {
        assertThat(MetricNames.statusClass(0)).isEqualTo("none");
        assertThat(MetricNames.statusClass(99)).isEqualTo("none");
        assertThat(MetricNames.statusClass(100)).isEqualTo("1xx");
        assertThat(MetricNames.statusClass(204)).isEqualTo("2xx");
        assertThat(MetricNames.statusClass(304)).isEqualTo("3xx");
        assertThat(MetricNames.statusClass(451)).isEqualTo("4xx");
        assertThat(MetricNames.statusClass(599)).isEqualTo("5xx");
        assertThat(MetricNames.statusClass(600)).isEqualTo("none");
    }
}
