package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.fulcrum.health.Fixtures.config;
import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.health.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The health monitor end to end: real origins on loopback, 1 s intervals, real timers. */
class HealthMonitorTest {

    private static final String POOL = Fixtures.id('1');
    private static final String MONITOR = Fixtures.id('9');

    private final Queue<HealthSnapshot> published = new ConcurrentLinkedQueue<>();
    private LoopbackHealth loopback;
    private List<TestOrigin> servers;
    private HealthMonitor health;

    @BeforeEach
    void start() {
        loopback = new LoopbackHealth();
        health = loopback.health;
        servers = loopback.servers;
        health.addListener(published::add);
    }

    @AfterEach
    void stop() throws Exception {
        loopback.close();
    }

    private TestOrigin server() throws Exception {
        return loopback.server();
    }

    private static Origin at(String name, TestOrigin server) {
        return origin(name, "127.0.0.1", server.port());
    }

    private static String key(TestOrigin server) {
        return HealthSnapshot.originKey("127.0.0.1", server.port());
    }

    /** Checks the origins have answered so far. */
    private int checks() {
        return servers.stream().mapToInt(s -> s.requests.get()).sum();
    }

    private OriginHealth of(String poolId, TestOrigin server) {
        return health.snapshot().origin(poolId, key(server));
    }

    private boolean healthy(TestOrigin server) {
        final OriginHealth origin = of(POOL, server);
        return origin != null && origin.healthy();
    }

    private boolean unhealthy(TestOrigin server) {
        final OriginHealth origin = of(POOL, server);
        return origin != null && !origin.healthy();
    }

    @Test
    void originGoesDownAndComesBack() throws Exception {
        final TestOrigin a = server();
        health.update(config(1, List.of(monitor(MONITOR, "http")), pool(POOL, "web", MONITOR, 1, at("a", a))));

        assertThat(published.peek()).isEqualTo(HealthSnapshot.EMPTY);
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a));
        assertThat(of(POOL, a).failureReason()).isEqualTo("No failures");
        assertThat(of(POOL, a).responseCode()).isEqualTo(200);
        assertThat(of(POOL, a).rttMillis()).isPositive();

        a.down();
        await().atMost(Duration.ofSeconds(5)).until(() -> unhealthy(a));
        assertThat(of(POOL, a).failureReason()).isEqualTo("TCP connection failed");
        assertThat(of(POOL, a).responseCode()).isZero();

        a.up();
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a));

        assertThat(health.events()).extracting(HealthEvent::from, HealthEvent::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(OriginState.UNKNOWN, OriginState.HEALTHY),
                org.assertj.core.groups.Tuple.tuple(OriginState.HEALTHY, OriginState.UNHEALTHY),
                org.assertj.core.groups.Tuple.tuple(OriginState.UNHEALTHY, OriginState.HEALTHY));
        final HealthEvent down = health.events().get(1);
        assertThat(down.poolName()).isEqualTo("web");
        assertThat(down.originName()).isEqualTo("a");
        assertThat(down.port()).isEqualTo(a.port());
        assertThat(down.failureReason()).isEqualTo("TCP connection failed");
        assertThat(published).anyMatch(s -> s.origin(POOL, key(a)) != null && !s.origin(POOL, key(a)).healthy());
    }

    @Test
    void minimumOriginsDecidesThePoolState() throws Exception {
        final TestOrigin a = server();
        final TestOrigin b = server();
        final TestOrigin c = server();
        health.update(config(1, List.of(monitor(MONITOR, "http")),
                pool(POOL, "web", MONITOR, 2, at("a", a), at("b", b), at("c", c))));

        await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a) && healthy(b) && healthy(c));
        assertThat(health.poolHealth(POOL).orElseThrow().state()).isEqualTo(PoolState.HEALTHY);

        c.status = 500;
        await().atMost(Duration.ofSeconds(5)).until(() -> unhealthy(c));
        final PoolHealth degraded = health.poolHealth(POOL).orElseThrow();
        assertThat(degraded.state()).isEqualTo(PoolState.DEGRADED);
        assertThat(degraded.healthy()).isTrue();
        assertThat(degraded.popName()).isEqualTo("Test PoP");
        assertThat(degraded.origins()).extracting(OriginStatus::name).containsExactly("a", "b", "c");
        assertThat(degraded.origins().get(0).rtt()).matches("\\d+\\.\\dms");
        assertThat(degraded.origins().get(2).failureReason()).isEqualTo("Response code mismatch error");
        assertThat(degraded.origins().get(2).responseCode()).isEqualTo(500);

        b.status = 500;
        await().atMost(Duration.ofSeconds(5)).until(() -> unhealthy(b));
        assertThat(health.poolHealth(POOL).orElseThrow().state()).isEqualTo(PoolState.CRITICAL);
        assertThat(health.poolHealth(POOL).orElseThrow().healthy()).isFalse();
        assertThat(health.poolHealth(Fixtures.id('0'))).isEmpty();
    }

    @Test
    void configChangeKeepsUnchangedPairsAndRestartsChangedOnes() throws Exception {
        final TestOrigin a = server();
        final TestOrigin b = server();
        final TestOrigin b2 = server();
        final Monitor http = monitor(MONITOR, "http");
        final Pool web = pool(POOL, "web", MONITOR, 1, at("a", a), at("b", b));
        health.update(config(1, List.of(http), web));
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a) && healthy(b));

        // Cosmetic changes (names, description) and one origin moved to another port.
        health.update(config(2, List.of(Fixtures.withDescription(http, "now described")),
                Fixtures.renamed(pool(POOL, "web", MONITOR, 1, at("a-renamed", a), at("b", b2)), "web2")));

        assertThat(healthy(a)).as("the unchanged pair keeps its verdict through the update").isTrue();
        assertThat(of(POOL, b)).as("the moved origin's old key is gone at once").isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy(b2));
        assertThat(health.events()).filteredOn(e -> e.port() == a.port()).hasSize(1);
        assertThat(health.events()).filteredOn(e -> e.port() == b2.port()).extracting(HealthEvent::poolName)
                .containsExactly("web2");

        // A real monitor change restarts every pair of the pool from its verdict: no gap, no new event.
        health.update(config(3, List.of(Fixtures.withCodes(http, "2xx", "fine")),
                pool(POOL, "web", MONITOR, 1, at("a", a), at("b", b2))));
        assertThat(healthy(a)).as("the changed pair keeps its verdict until its new checks decide").isTrue();
        assertThat(healthy(b2)).isTrue();
        // The new checks decide: a's body does not contain the newly expected text.
        await().atMost(Duration.ofSeconds(5)).until(() -> unhealthy(a));
        assertThat(of(POOL, a).failureReason()).isEqualTo("Response body mismatch error");
        assertThat(health.events()).filteredOn(e -> e.port() == a.port()).extracting(HealthEvent::to)
                .containsExactly(OriginState.HEALTHY, OriginState.UNHEALTHY);
    }

    @Test
    void removedAndDisabledPairsAreNotChecked() throws Exception {
        final TestOrigin a = server();
        final TestOrigin off = server();
        final Monitor http = monitor(MONITOR, "http");
        final String other = Fixtures.id('2');
        health.update(config(1, List.of(http), pool(POOL, "web", MONITOR, 1, at("a", a),
                Fixtures.disabled(at("off", off))), Fixtures.disabled(pool(other, "spare", MONITOR, 1, at("x", off))),
                pool(Fixtures.id('3'), "plain", null, 1, at("y", off))));
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a));
        assertThat(health.snapshot().pools()).containsOnlyKeys(POOL);

        health.update(config(2, List.of(http)));
        assertThat(health.snapshot()).isEqualTo(HealthSnapshot.EMPTY);
        final int afterRemoval = a.requests.get();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> a.requests.get() <= afterRemoval + 1);
        assertThat(off.requests.get()).isZero();
    }

    @Test
    void roundTripUpdatesArePublishedAtMostOncePerPeriod() throws Exception {
        final List<Origin> origins = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            origins.add(at("o" + i, server()));
        }
        health.update(config(1, List.of(monitor(MONITOR, "http")),
                pool(POOL, "web", MONITOR, 1, origins.toArray(Origin[]::new))));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> health.snapshot().pools().getOrDefault(POOL, java.util.Map.of()).size() == 10);
        final int before = published.size();
        final int checked = checks();

        // 30 checks of steady state (about 3 s: 1 s intervals, on the same real-time scheduler as the 200 ms
        // publishes), whose round-trip changes, if large enough, go out with those publishes.
        await().atMost(Duration.ofSeconds(6)).until(() -> checks() >= checked + 30);

        assertThat(published.size() - before).isLessThanOrEqualTo(3000 / 200 + 2);
        assertThat(health.events()).hasSize(10);
    }

    @Test
    void aListenerGetsTheCurrentSnapshotFirst() {
        final List<HealthSnapshot> seen = new ArrayList<>();
        health.addListener(seen::add);
        assertThat(seen).containsExactly(health.snapshot());
        health.removeListener(seen::add);
    }

    @Test
    void configurationGivenBeforeStartIsCheckedOnStart() throws Exception {
        final TestOrigin a = server();
        try (HealthMonitor early = new HealthMonitor(HealthSettings.defaults()
                .withInitialSpread(Duration.ofMillis(100)))) {
            early.update(config(1, List.of(monitor(MONITOR, "http")), pool(POOL, "web", MONITOR, 1, at("a", a))));
            assertThat(a.requests.get()).isZero();

            early.start();

            await().atMost(Duration.ofSeconds(5)).until(() -> early.snapshot().origin(POOL, key(a)) != null);
            assertThat(early.snapshot().origin(POOL, key(a)).healthy()).isTrue();
        }
    }

    @Test
    void aClosedMonitorRefusesUpdates() {
        health.close();
        health.close();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> health.update(config(2, List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessage("health monitor is closed");
    }
}
