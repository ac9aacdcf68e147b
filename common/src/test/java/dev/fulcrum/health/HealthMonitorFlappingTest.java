package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.fulcrum.health.Fixtures.config;
import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.health.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** consecutive_up / consecutive_down on a real origin with 1 s checks (its own class: it needs a dozen checks). */
class HealthMonitorFlappingTest {

    private static final String POOL = Fixtures.id('1');
    private static final String MONITOR = Fixtures.id('9');

    private final Queue<HealthSnapshot> published = new ConcurrentLinkedQueue<>();
    private TestOrigin a;
    private HealthMonitor health;

    @BeforeEach
    void start() throws Exception {
        a = TestOrigin.http();
        health = new HealthMonitor(HealthSettings.defaults()
                .withPublishPeriod(Duration.ofMillis(200)).withInitialSpread(Duration.ofMillis(200)));
        health.start();
        health.addListener(published::add);
    }

    @AfterEach
    void stop() throws Exception {
        health.close();
        a.close();
    }

    private static String key(TestOrigin server) {
        return HealthSnapshot.originKey("127.0.0.1", server.port());
    }

    private boolean healthy(TestOrigin server) {
        final OriginHealth origin = health.snapshot().origin(POOL, key(server));
        return origin != null && origin.healthy();
    }

    private boolean unhealthy(TestOrigin server) {
        final OriginHealth origin = health.snapshot().origin(POOL, key(server));
        return origin != null && !origin.healthy();
    }

    @Test
    void flappingStaysWithinTheConsecutiveThresholds() throws Exception {
        final Monitor twoAndTwo = Fixtures.withThresholds(monitor(MONITOR, "http"), 2, 2);
        health.update(config(1, List.of(twoAndTwo), pool(POOL, "web", MONITOR, 1, origin("a", "127.0.0.1", a.port()))));
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a));
        final int before = a.requests.get();

        // Alternating failures never make two in a row: the origin stays healthy, with the failure visible.
        a.script.addAll(List.of(503, 200, 503));
        await().atMost(Duration.ofSeconds(8)).until(() -> a.requests.get() >= before + 4);
        assertThat(health.events()).hasSize(1);
        assertThat(published).anyMatch(s -> {
            final OriginHealth h = s.origin(POOL, key(a));
            return h != null && h.healthy() && h.failureReason().equals("Response code mismatch error");
        });

        a.status = 503;
        await().atMost(Duration.ofSeconds(5)).until(() -> unhealthy(a));
        a.status = 200;
        a.script.addAll(List.of(200, 503));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.script.isEmpty());
        assertThat(unhealthy(a)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a));
        assertThat(health.events()).extracting(HealthEvent::to)
                .containsExactly(OriginState.HEALTHY, OriginState.UNHEALTHY, OriginState.HEALTHY);
    }
}
