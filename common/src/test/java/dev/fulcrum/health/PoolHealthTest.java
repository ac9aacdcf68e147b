package dev.fulcrum.health;

import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.health.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

/** Pool state and usability by minimum_origins (spec §2.3), on hand-made snapshots. */
class PoolHealthTest {

    private static final String POOL = Fixtures.id('p');
    private static final Pool THREE = pool(POOL, "web", Fixtures.id('m'), 2,
            origin("a", "10.0.0.1", 80), origin("b", "10.0.0.2", 80), origin("c", "10.0.0.3", 80));

    private static HealthSnapshot health(Boolean a, Boolean b, Boolean c) {
        final Map<String, OriginHealth> origins = new HashMap<>();
        put(origins, "10.0.0.1:80", a);
        put(origins, "10.0.0.2:80", b);
        put(origins, "10.0.0.3:80", c);
        return new HealthSnapshot(Map.of(POOL, Map.copyOf(origins)));
    }

    private static void put(Map<String, OriginHealth> origins, String key, Boolean healthy) {
        if (healthy != null) {
            origins.put(key, new OriginHealth(healthy, healthy ? 12.06 : Double.NaN,
                    healthy ? "No failures" : "TCP connection failed", healthy ? 200 : 0));
        }
    }

    @Test
    void allHealthyIsHealthy() {
        assertThat(PoolHealth.state(THREE, health(true, true, true))).isEqualTo(PoolState.HEALTHY);
        assertThat(PoolHealth.usable(THREE, health(true, true, true))).isTrue();
    }

    @Test
    void someDownButEnoughIsDegradedAndUsable() {
        assertThat(PoolHealth.state(THREE, health(true, false, true))).isEqualTo(PoolState.DEGRADED);
        assertThat(PoolHealth.usable(THREE, health(true, false, true))).isTrue();
        // An origin without a verdict counts as down.
        assertThat(PoolHealth.state(THREE, health(true, null, true))).isEqualTo(PoolState.DEGRADED);
    }

    @Test
    void belowMinimumOriginsIsCritical() {
        assertThat(PoolHealth.state(THREE, health(true, false, null))).isEqualTo(PoolState.CRITICAL);
        assertThat(PoolHealth.usable(THREE, health(true, false, null))).isFalse();
    }

    @Test
    void noVerdictYetIsUnknownAndNotUsable() {
        assertThat(PoolHealth.state(THREE, HealthSnapshot.EMPTY)).isEqualTo(PoolState.UNKNOWN);
        assertThat(PoolHealth.usable(THREE, HealthSnapshot.EMPTY)).isFalse();
    }

    @Test
    void withoutAMonitorHealthIsNotConsidered() {
        final Pool unmonitored = pool(POOL, "web", null, 3, origin("a", "10.0.0.1", 80));
        assertThat(PoolHealth.state(unmonitored, HealthSnapshot.EMPTY)).isEqualTo(PoolState.UNKNOWN);
        assertThat(PoolHealth.usable(unmonitored, HealthSnapshot.EMPTY)).isTrue();
    }

    @Test
    void disabledPoolIsNeverUsable() {
        assertThat(PoolHealth.usable(Fixtures.disabled(THREE), health(true, true, true))).isFalse();
    }

    @Test
    void disabledOriginsDoNotCount() {
        final Pool pool = pool(POOL, "web", Fixtures.id('m'), 1, origin("a", "10.0.0.1", 80),
                Fixtures.disabled(origin("b", "10.0.0.2", 80)));
        assertThat(PoolHealth.state(pool, health(true, null, null))).isEqualTo(PoolState.HEALTHY);
        assertThat(PoolHealth.of(pool, health(true, null, null), "Fulcrum").origins()).hasSize(1);
    }

    @Test
    void viewListsEachEnabledOriginWithCloudflaresFields() {
        final PoolHealth view = PoolHealth.of(THREE, health(true, false, null), "Amsterdam, NL");

        assertThat(view.poolId()).isEqualTo(POOL);
        assertThat(view.popName()).isEqualTo("Amsterdam, NL");
        assertThat(view.state()).isEqualTo(PoolState.CRITICAL);
        assertThat(view.healthy()).isFalse();
        assertThat(view.origins()).extracting(OriginStatus::address, OriginStatus::healthy, OriginStatus::rtt,
                        OriginStatus::failureReason, OriginStatus::responseCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("10.0.0.1", true, "12.1ms", "No failures", 200),
                        org.assertj.core.groups.Tuple.tuple("10.0.0.2", false, null, "TCP connection failed", 0),
                        org.assertj.core.groups.Tuple.tuple("10.0.0.3", false, null, null, 0));
        assertThat(view.origins().get(2).state()).isEqualTo(OriginState.UNKNOWN);
    }

    @Test
    void poolRttIsTheMeanOfHealthyOrigins() {
        final HealthSnapshot health = new HealthSnapshot(Map.of(POOL, Map.of(
                "10.0.0.1:80", new OriginHealth(true, 10, "No failures", 200),
                "10.0.0.2:80", new OriginHealth(true, 30, "No failures", 200),
                "10.0.0.3:80", new OriginHealth(false, 500, "HTTP timeout occurred", 0))));

        assertThat(health.poolRttMillis(POOL)).isEqualTo(20.0);
        assertThat(health.poolRttMillis(Fixtures.id('x'))).isNaN();
    }

    @Test
    void eventLogKeepsTheNewest() {
        final EventLog log = new EventLog(2);
        for (int i = 0; i < 3; i++) {
            log.add(new HealthEvent(Fixtures.T0.plusSeconds(i), POOL, "web", "a", "10.0.0.1", 80,
                    OriginState.UNKNOWN, OriginState.HEALTHY, "No failures", 200));
        }
        assertThat(log.snapshot()).extracting(HealthEvent::time)
                .containsExactly(Fixtures.T0.plusSeconds(1), Fixtures.T0.plusSeconds(2));
    }
}
