package dev.fulcrum.routing;

import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.config.SessionAffinityAttributes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.fulcrum.routing.Fixtures.lb;
import static dev.fulcrum.routing.Fixtures.origin;
import static dev.fulcrum.routing.Fixtures.pool;
import static dev.fulcrum.routing.Fixtures.withRules;
import static org.assertj.core.api.Assertions.assertThat;

/** Rule overrides as configuration: merged per field, applied over the load balancer (spec §6). */
class OverridesTest {

    private static final RuleOverrides NONE = new RuleOverrides(null, null, null, null, null, null, null, null, null,
            null, null, null, null);

    private static RuleOverrides affinity(String type, Integer ttl, SessionAffinityAttributes attributes) {
        return new RuleOverrides(null, null, null, null, null, null, null, null, type, attributes, ttl, null, null);
    }

    private final LoadBalancer lb = withRules(lb("www.example.com", "off", pool("f", origin("f1", 1)),
            pool("a", origin("a1", 1))), List.of(new Rule("r", "", false, 0, false, null, NONE)));

    @Test
    void aLaterRuleWinsPerFieldAndKeepsTheEarlierOnesOthers() {
        final RuleOverrides first = new RuleOverrides(new AdaptiveRouting(true), null, List.of("p1"), "f1", null,
                null, null, null, "cookie", null, 1800, "random", 10);
        final RuleOverrides second = new RuleOverrides(null, null, List.of("p2"), null, null, null, null, null, null,
                null, null, "off", null);

        final RuleOverrides merged = Overrides.merge(first, second);

        assertThat(merged).isEqualTo(new RuleOverrides(new AdaptiveRouting(true), null, List.of("p2"), "f1", null,
                null, null, null, "cookie", null, 1800, "off", 10));
        assertThat(Overrides.merge(second, NONE)).isEqualTo(second);
    }

    @Test
    void applyingReplacesTheNamedFieldsAndDropsTheRules() {
        final LoadBalancer out = Overrides.apply(lb, new RuleOverrides(null, null, List.of("p9"), "f9", null, null,
                null, null, null, null, null, "random", 5));

        assertThat(out.defaultPools()).containsExactly("p9");
        assertThat(out.fallbackPool()).isEqualTo("f9");
        assertThat(out.steeringPolicy()).isEqualTo("random");
        assertThat(out.ttl()).isEqualTo(5);
        assertThat(out.rules()).isEmpty();
        assertThat(out.id()).isEqualTo(lb.id());
        assertThat(out.name()).isEqualTo(lb.name());
        assertThat(Overrides.apply(lb, NONE).defaultPools()).isEqualTo(lb.defaultPools());
    }

    @Test
    void affinityOverridesKeepTheDrainAndATtlThatFits() {
        final LoadBalancer header = new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(),
                lb.name(), "", true, true, 30, lb.fallbackPool(), lb.defaultPools(), null, null, null, "off", null,
                null, null, "header", 60, new SessionAffinityAttributes("Auto", "Auto", 300, "none",
                List.of("x-id"), false), List.of(), null);
        final SessionAffinityAttributes strict = new SessionAffinityAttributes("Strict", "Always", 0, "temporary",
                List.of("x-other"), true);

        final LoadBalancer attributes = Overrides.apply(header, affinity(null, null, strict));
        assertThat(attributes.sessionAffinityAttributes()).isEqualTo(new SessionAffinityAttributes("Strict",
                "Always", 300, "temporary", List.of("x-other"), true));
        assertThat(attributes.sessionAffinityTtl()).isEqualTo(60);

        assertThat(Overrides.apply(header, affinity("cookie", null, null)).sessionAffinityTtl())
                .as("60 s does not fit cookie's 1800-604800: its default applies").isNull();
        assertThat(Overrides.apply(header, affinity("cookie", 7200, null)).sessionAffinityTtl()).isEqualTo(7200);
        assertThat(Overrides.affectRouting(affinity("cookie", null, null))).isTrue();
        assertThat(Overrides.affectRouting(NONE)).isFalse();
        assertThat(Overrides.affectRouting(null)).isFalse();
    }
}
