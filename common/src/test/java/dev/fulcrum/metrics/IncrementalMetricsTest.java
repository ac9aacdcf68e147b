package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.TestRequest;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

/** Each binder updates only the rows of what a change names, whatever the size of the configuration. */
class IncrementalMetricsTest {

    private static final int POOLS = 300;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT);
    private final List<Pool> pools = new ArrayList<>();
    private final List<LoadBalancer> lbs = new ArrayList<>();
    private UpstreamClient upstream;
    private ConfigSnapshot config;

    IncrementalMetricsTest() {
        for (int i = 0; i < POOLS; i++) {
            // Three origins each, on three distinct destinations per pool.
            pools.add(pool("pool-" + i, "random", origin("a", "10.2." + i / 200 + "." + i % 200, 8001, 1),
                    origin("b", "10.3." + i / 200 + "." + i % 200, 8001, 1),
                    origin("c", "10.4." + i / 200 + "." + i % 200, 8001, 1)));
        }
        for (int i = 0; i < POOLS; i++) {
            lbs.add(lb("lb" + i + ".example.test", "off", null, pools.get(i)));
        }
        config = config(lbs, pools.toArray(new Pool[0]));
        router.update(config);
    }

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    private ConfigChange commit(ConfigEdit edit) {
        final ConfigChange change = config.apply(edit, config.revision() + 1);
        config = change.next();
        router.update(change);
        return change;
    }

    @Test
    void configurationSizedRowsWaitForTheFirstScrapeThenFollowEachChange() {
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS, router.connections());
        try (FulcrumMetrics metrics = new FulcrumMetrics()) {
            metrics.update(ConfigChange.initial(config));
            metrics.bindRouter(router);
            metrics.bindUpstream(upstream);
            assertThat(metrics.gaugeRows()).as("nothing registered before a scrape").isZero();
            final Pool added = pool("late", "random", origin("a", "10.9.0.1", 8001, 1));
            metrics.update(commit(ConfigEdit.putting(added)));
            assertThat(metrics.gaugeRows()).isZero();

            final String scrape = metrics.scrape();
            // In flight: a pool row and three origin rows per pool; connections: three per destination.
            final int expected = POOLS * 4 + 2 + (POOLS * 3 + 1) * 3;
            assertThat(metrics.gaugeRows()).isEqualTo(expected);
            assertThat(scrape).contains("fulcrum_pool_in_flight{pool=\"late\",pool_id=\"" + added.id() + "\"}")
                    .contains("destination=\"http://10.9.0.1:8001\"");

            metrics.update(commit(new ConfigEdit().delete(ConfigKind.POOL, added.id())));
            assertThat(metrics.gaugeRows()).as("bound rows follow each change").isEqualTo(expected - 2 - 3);
            assertThat(metrics.scrape()).doesNotContain("pool=\"late\"");
        }
    }

    @Test
    void inFlightRowsOfOnePoolAreAllThatAPoolEditReRegisters() {
        final InFlightMetrics inFlight = new InFlightMetrics(router);
        inFlight.update(ConfigChange.initial(config));
        inFlight.bindTo(registry);
        assertThat(inFlight.registeredRows()).isEqualTo(POOLS * 4L);
        assertThat(registry.find(MetricNames.ORIGIN_IN_FLIGHT).gauges()).hasSize(POOLS * 3);

        final Pool renamed = rename(pools.get(5), "renamed");
        inFlight.update(commit(ConfigEdit.putting(renamed)));
        assertThat(inFlight.registeredRows()).isEqualTo(POOLS * 4L + 4);
        assertThat(registry.find(MetricNames.POOL_IN_FLIGHT).tag(MetricNames.TAG_POOL, "renamed").gauges())
                .hasSize(1);
        assertThat(registry.find(MetricNames.POOL_IN_FLIGHT).tag(MetricNames.TAG_POOL, "pool-5").gauges())
                .isEmpty();

        inFlight.update(commit(new ConfigEdit().delete(ConfigKind.LOAD_BALANCER, lbs.get(6).id())
                .delete(ConfigKind.POOL, pools.get(6).id())));
        assertThat(inFlight.registeredRows()).isEqualTo(POOLS * 4L + 4);
        assertThat(registry.find(MetricNames.ORIGIN_IN_FLIGHT).gauges()).hasSize((POOLS - 1) * 3);

        // A load balancer edit has no in-flight rows at all.
        inFlight.update(commit(ConfigEdit.putting(lb("other.example.test", "off", null, pools.get(1)))));
        assertThat(inFlight.registeredRows()).isEqualTo(POOLS * 4L + 4);
    }

    @Test
    void perPoolRowsOnlyWhenOriginRowsAreOff() {
        final InFlightMetrics inFlight = new InFlightMetrics(router, false);
        inFlight.update(ConfigChange.initial(config));
        inFlight.bindTo(registry);
        assertThat(registry.find(MetricNames.POOL_IN_FLIGHT).gauges()).hasSize(POOLS);
        assertThat(registry.find(MetricNames.ORIGIN_IN_FLIGHT).gauges()).isEmpty();
    }

    @Test
    void connectionRowsFollowTheirLastHolder() {
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS, router.connections());
        final ConnectionMetrics connections = new ConnectionMetrics(upstream);
        connections.update(ConfigChange.initial(config));
        connections.bindTo(registry);
        assertThat(connections.destinations()).isEqualTo(POOLS * 3);

        // A second pool on the same destinations adds no row; deleting the first keeps them for the second.
        final Pool twin = new Pool(dev.fulcrum.testing.Fixtures.id("twin"), pools.get(0).accountId(),
                pools.get(0).createdOn(), pools.get(0).modifiedOn(), null, "twin", "", true, 1, null, null,
                pools.get(0).origins(), "random", null, null, null, null, "", null, null);
        connections.update(commit(ConfigEdit.putting(twin)));
        assertThat(connections.destinations()).isEqualTo(POOLS * 3);
        connections.update(commit(new ConfigEdit().delete(ConfigKind.LOAD_BALANCER, lbs.get(0).id())
                .delete(ConfigKind.POOL, pools.get(0).id())));
        assertThat(connections.destinations()).isEqualTo(POOLS * 3);
        connections.update(commit(ConfigEdit.deleting(ConfigKind.POOL, twin.id())));
        assertThat(connections.destinations()).isEqualTo(POOLS * 3 - 3);
        assertThat(registry.find(MetricNames.UPSTREAM_CONNECTIONS).gauges()).hasSize((POOLS * 3 - 3) * 3);
    }

    @Test
    void originMetersOfAnEditedPoolAreCheckedAndOthersKept() {
        final OriginMetrics origins = new OriginMetrics();
        origins.bindTo(registry);
        origins.update(ConfigChange.initial(config));
        for (int i = 0; i < 10; i++) {
            final RouteDecision.Forward f = (RouteDecision.Forward) router.route(TestRequest.to(
                    "lb" + i + ".example.test"));
            origins.completed(f, Outcome.RESPONDED, 200, 1_000);
        }
        assertThat(origins.meterSets()).isEqualTo(10);
        origins.update(commit(ConfigEdit.putting(rename(pools.get(3), "renamed"))));
        assertThat(origins.meterSets()).isEqualTo(9);
        origins.update(commit(ConfigEdit.putting(lb("new.example.test", "off", null, pools.get(4)))));
        assertThat(origins.meterSets()).isEqualTo(9);
    }

    @Test
    void poolsOnlyKeepsOneAttemptMeterSetPerPoolAndOneConnectionRowSet() {
        final OriginMetrics origins = new OriginMetrics(false);
        origins.bindTo(registry);
        origins.update(ConfigChange.initial(config));
        for (int i = 0; i < 30; i++) {
            final RouteDecision.Forward f = (RouteDecision.Forward) router.route(TestRequest.to("lb1.example.test"));
            origins.completed(f, Outcome.RESPONDED, 200, 1_000);
        }
        assertThat(origins.meterSets()).isOne();
        assertThat(registry.find(MetricNames.ORIGIN_REQUESTS).counters()).singleElement()
                .satisfies(c -> assertThat(c.getId().getTag(MetricNames.TAG_ORIGIN)).isNull());

        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS, router.connections());
        final ConnectionMetrics connections = new ConnectionMetrics(upstream, false);
        connections.update(ConfigChange.initial(config));
        connections.bindTo(registry);
        assertThat(connections.destinations()).isOne();
        assertThat(registry.find(MetricNames.UPSTREAM_CONNECTIONS).tag(MetricNames.TAG_DESTINATION,
                ConnectionMetrics.ALL).gauges()).hasSize(3);
    }

    private static Pool rename(Pool p, String name) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), null, name, "", true, 1, null, null,
                p.origins(), "random", null, null, null, null, "", null, null);
    }
}
