package dev.fulcrum.health;

import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.fulcrum.health.Fixtures.disabled;
import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.health.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

/** One origin's reasons (STYLE 13): the verdict and the configuration folded into one set, one usable(). */
class OriginHealthTest {

    private static final Origin A = origin("a", "10.0.0.1", 80);
    private static final Pool MONITORED = pool(Fixtures.id('p'), "web", Fixtures.id('m'), 1, A);
    private static final Pool PLAIN = pool(Fixtures.id('q'), "plain", null, 1, A);
    private static final OriginHealth UP = new OriginHealth(true, 3.5, "No failures", 200);
    private static final OriginHealth DOWN = new OriginHealth(false, Double.NaN, "HTTP timeout occurred", 0);

    private static Origin weight(Origin o, double weight) {
        return new Origin(o.name(), o.address(), o.port(), o.enabled(), weight, Map.of(), null, o.disabledAt());
    }

    @Test
    void aPassingVerdictOnAnEnabledWeightedOriginIsUsable() {
        final OriginHealth h = OriginHealth.of(MONITORED, A, UP);
        assertThat(h.reasons()).isEmpty();
        assertThat(h.usable()).isTrue();
        assertThat(h.healthy()).isTrue();
        assertThat(h).isSameAs(UP);
        assertThat(OriginHealth.of(PLAIN, A, null)).isSameAs(OriginHealth.UNMONITORED);
    }

    @Test
    void eachReasonStopsNewTrafficAndKeepsTheLastFailureText() {
        assertThat(OriginHealth.of(MONITORED, A, DOWN).reasons()).containsExactly(UnusableReason.MONITOR_FAILED);
        assertThat(OriginHealth.of(MONITORED, A, DOWN).failureReason()).isEqualTo("HTTP timeout occurred");
        assertThat(OriginHealth.of(MONITORED, A, null).reasons()).containsExactly(UnusableReason.NO_RESULT_YET);
        assertThat(OriginHealth.of(MONITORED, A, null).failed()).isFalse();
        assertThat(OriginHealth.of(PLAIN, disabled(A), null).reasons())
                .containsExactly(UnusableReason.DISABLED, UnusableReason.DRAINING);
        assertThat(OriginHealth.of(PLAIN, weight(A, 0), null).reasons()).containsExactly(UnusableReason.SHED);
        final OriginHealth several = OriginHealth.of(MONITORED, weight(disabled(A), 0), DOWN);
        assertThat(several.reasons()).containsExactly(UnusableReason.MONITOR_FAILED, UnusableReason.DISABLED,
                UnusableReason.DRAINING, UnusableReason.SHED);
        assertThat(several.usable()).isFalse();
        assertThat(several.healthy()).isFalse();
        // Weight 0 is shed from new traffic but still healthy: it counts toward minimum_origins.
        assertThat(OriginHealth.of(MONITORED, weight(A, 0), UP).healthy()).isTrue();
        assertThat(OriginHealth.of(MONITORED, weight(A, 0), UP).usable()).isFalse();
    }

    @Test
    void poolHealthAndRoutingShareOneDefinition() {
        final Origin b = origin("b", "10.0.0.2", 80);
        final Pool two = pool(Fixtures.id('r'), "two", Fixtures.id('m'), 2, A, weight(b, 0));
        final HealthSnapshot bothUp = new HealthSnapshot(Map.of(two.id(), Map.of("10.0.0.1:80", UP,
                "10.0.0.2:80", UP)));
        final List<OriginHealth> folded = PoolHealth.origins(two, bothUp);
        assertThat(folded).extracting(OriginHealth::usable).containsExactly(true, false);
        // Both count toward minimum_origins 2, though only one may take new traffic.
        assertThat(PoolHealth.healthyEnough(two, folded)).isTrue();
        assertThat(PoolHealth.usable(two, bothUp)).isTrue();
    }
}
