package dev.fulcrum.routing;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.routing.RouteDecision.Forward;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.fulcrum.routing.Fixtures.health;
import static dev.fulcrum.routing.Fixtures.monitored;
import static dev.fulcrum.routing.Fixtures.origin;
import static dev.fulcrum.routing.Fixtures.pool;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static org.assertj.core.api.Assertions.assertThat;

/** Snapshot rebuilds: plans are reused only when their inputs are unchanged, and outcomes reach the listener. */
class SnapshotRebuildTest {

    private final Origin a1 = origin("a1", "10.0.1.1", 8080, 1);
    private final Origin b1 = origin("b1", "10.0.2.1", 8080, 1);
    private final Origin f1 = origin("f1", "10.0.9.1", 8080, 1);
    private final Pool a = monitored(pool("pool-a", a1), 1);
    private final Pool b = monitored(pool("pool-b", b1), 1);
    private final Pool f = pool("pool-f", f1);

    @Test
    void healthFlipRebuildsOnlyTheAffectedPlans() {
        final LoadBalancer2 lbs = new LoadBalancer2();
        final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT);
        router.update(lbs.config);
        router.update(health().up(a, a1).up(b, b1).build());
        final RoutingSnapshot before = snapshotOf(router);
        router.update(health().down(a, a1).up(b, b1).build());
        final RoutingSnapshot after = snapshotOf(router);
        assertThat(after.pools.get(b.id())).isSameAs(before.pools.get(b.id()));
        assertThat(after.pools.get(f.id())).isSameAs(before.pools.get(f.id()));
        assertThat(after.pools.get(a.id())).isNotSameAs(before.pools.get(a.id()));
        assertThat(after.hosts.find("b.example.com")).isSameAs(before.hosts.find("b.example.com"));
        assertThat(after.hosts.find("a.example.com")).isNotSameAs(before.hosts.find("a.example.com"));
        // And the reused and rebuilt plans route as they should.
        assertThat(((Forward) router.route(TestRequest.to("a.example.com"))).poolId()).isEqualTo(f.id());
        assertThat(((Forward) router.route(TestRequest.to("b.example.com"))).poolId()).isEqualTo(b.id());
    }

    @Test
    void changedPoolConfigurationIsNeverServedFromAnOldPlan() {
        final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT);
        final Pool plain = pool("pool-p", origin("old", "10.0.5.1", 80, 1));
        router.update(config(lb("p.example.com", "off", f, plain), plain, f));
        assertThat(((Forward) router.route(TestRequest.to("p.example.com"))).originName()).isEqualTo("old");
        final Pool changed = pool("pool-p", origin("new", "10.0.5.2", 80, 1));
        final ConfigSnapshot next = config(lb("p.example.com", "off", f, changed), changed, f);
        router.update(new ConfigSnapshot(2, next.accounts(), next.zones(), next.monitors(), next.pools(),
                next.loadBalancers()));
        assertThat(router.revision()).isEqualTo(2);
        assertThat(((Forward) router.route(TestRequest.to("p.example.com"))).originName()).isEqualTo("new");
    }

    @Test
    void theSameSnapshotTwiceIsANoOp() {
        final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT);
        final ConfigSnapshot config = new LoadBalancer2().config;
        router.update(config);
        final RoutingSnapshot first = snapshotOf(router);
        router.update(config);
        assertThat(snapshotOf(router)).isSameAs(first);
        final HealthSnapshot health = HealthSnapshot.EMPTY;
        router.update(health);
        router.update(health);
        assertThat(snapshotOf(router).health).isSameAs(health);
    }

    @Test
    void everyOutcomeReachesTheListenerOnce() {
        final List<String> heard = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(),
                (attempt, outcome, status, nanos) -> {
                    calls.incrementAndGet();
                    heard.add(attempt.originName() + " " + outcome + " " + status + " " + nanos);
                });
        final Pool two = pool("pool-2", origin("x", "10.0.7.1", 80, 1), origin("y", "10.0.7.2", 80, 1));
        router.update(config(lb("t.example.com", "off", f, two), two, f));
        final Forward first = (Forward) router.route(TestRequest.to("t.example.com"));
        first.complete(Outcome.CONNECT_FAILED, 0, 5);
        first.complete(Outcome.CONNECT_FAILED, 0, 5);
        final Forward retry = first.failover(UpstreamFailure.CONNECTION_REFUSED);
        retry.complete(Outcome.RESPONDED, 204, 7);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(heard).containsExactly(first.originName() + " CONNECT_FAILED 0 5",
                retry.originName() + " RESPONDED 204 7");
    }

    @Test
    void concurrentRoutingDuringRebuildsLeavesNoCountersBehind() throws Exception {
        final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT);
        final Pool lor = Fixtures.steering(monitored(pool("pool-l", origin("l1", "10.0.8.1", 80, 1),
                origin("l2", "10.0.8.2", 80, 1)), 1), "least_outstanding_requests");
        router.update(config(List.of(lb("c.example.com", "least_outstanding_requests", f, lor, b)), lor, b, f));
        final HealthSnapshot up = health().up(lor, lor.origins().get(0)).up(lor, lor.origins().get(1))
                .up(b, b1).build();
        final HealthSnapshot half = health().up(lor, lor.origins().get(0)).down(lor, lor.origins().get(1))
                .down(b, b1).build();
        router.update(up);
        final ExecutorService workers = Executors.newFixedThreadPool(3);
        try {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                results.add(workers.submit(() -> {
                    int forwarded = 0;
                    for (int i = 0; i < 5_000; i++) {
                        final RouteDecision d = router.route(TestRequest.to("c.example.com"));
                        if (d instanceof Forward fw) {
                            forwarded++;
                            final Forward retry = fw.failover(UpstreamFailure.CONNECTION_REFUSED);
                            fw.complete(Outcome.CONNECT_FAILED, 0, 1);
                            if (retry != null) {
                                retry.complete(Outcome.RESPONDED, 200, 1);
                            }
                        }
                    }
                    return forwarded;
                }));
            }
            for (int i = 0; i < 200; i++) {
                router.update(i % 2 == 0 ? half : up);
            }
            int total = 0;
            for (Future<Integer> r : results) {
                total += r.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(15_000);
        } finally {
            workers.shutdownNow();
        }
        for (Pool p : List.of(lor, b, f)) {
            assertThat(router.outstanding(p.id())).as(p.name()).isZero();
            for (Origin o : p.origins()) {
                assertThat(router.outstanding(p.id(), o.address(), o.port())).as(o.name()).isZero();
            }
        }
    }

    private static RoutingSnapshot snapshotOf(SnapshotRouter router) {
        return router.snapshot();
    }

    /** Two load balancers, one per monitored pool, sharing an unmonitored fallback. */
    private final class LoadBalancer2 {
        final ConfigSnapshot config = config(
                List.of(lb("a.example.com", "off", f, a), lb("b.example.com", "off", f, b)), a, b, f);
    }
}
