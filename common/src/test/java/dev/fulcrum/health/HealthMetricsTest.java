package dev.fulcrum.health;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.fulcrum.health.Fixtures.config;
import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.health.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HealthMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestOrigin up;
    private TestOrigin failing;
    private HealthMonitor health;

    @BeforeEach
    void start() throws Exception {
        up = TestOrigin.http();
        failing = TestOrigin.http();
        failing.status = 500;
        health = new HealthMonitor(HealthSettings.defaults().withInitialSpread(Duration.ofMillis(100))
                .withPublishPeriod(Duration.ofMillis(100)));
        new HealthMetrics(health).bindTo(registry);
        health.start();
    }

    @AfterEach
    void stop() throws Exception {
        health.close();
        up.close();
        failing.close();
    }

    private double originsIn(String state) {
        return registry.get(HealthMetrics.POOL_ORIGINS).tags("pool", "web", "state", state).gauge().value();
    }

    @Test
    void countsChecksTransitionsAndOriginsByState() {
        health.update(config(1, List.of(monitor(Fixtures.id('9'), "http")), pool(Fixtures.id('1'), "web",
                Fixtures.id('9'), 1, origin("up", "127.0.0.1", up.port()),
                origin("failing", "127.0.0.1", failing.port()), origin("never", "127.0.0.1", 1))));
        assertThat(originsIn("unknown")).isEqualTo(3);

        await().atMost(Duration.ofSeconds(5)).until(() -> originsIn("unknown") == 0);
        assertThat(originsIn("healthy")).isEqualTo(1);
        assertThat(originsIn("unhealthy")).isEqualTo(2);
        assertThat(registry.get(HealthMetrics.CHECKS).tags("type", "http", "result", "pass").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get(HealthMetrics.CHECKS).tags("reason", "Response code mismatch error").counter()
                .count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get(HealthMetrics.CHECKS).tags("reason", "TCP connection failed").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get(HealthMetrics.TRANSITIONS).tags("to", "unhealthy").counter().count()).isEqualTo(2);
        assertThat(registry.get(HealthMetrics.TRANSITIONS).tags("to", "healthy").counter().count()).isEqualTo(1);
        assertThat(registry.get(HealthMetrics.PROBES_IN_FLIGHT).gauge().value()).isBetween(0.0, 3.0);
        // Only passing checks have a round trip: the one healthy origin's first check at least.
        assertThat(registry.get(HealthMetrics.CHECK_RTT).tags("type", "http").timer().count()).isPositive();
        assertThat(registry.get(HealthMetrics.CHECK_RTT).timers()).hasSize(1);
    }
}
