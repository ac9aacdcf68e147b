package dev.fulcrum.routing;

import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.config.SessionAffinityAttributes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.fulcrum.routing.Fixtures.origin;
import static dev.fulcrum.routing.Fixtures.pool;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.withRules;
import static org.assertj.core.api.Assertions.assertThat;

/** Rule overrides as configuration: merged per field, applied over the load balancer (spec §6). */
class OverridesTest {

    private static final RuleOverrides NONE = new RuleOverrides(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null);

    private static RuleOverrides affinity(String type, Integer ttl, SessionAffinityAttributes attributes) {
        return new RuleOverrides(null, null, null, null, null, null, null, null, type, attributes, ttl, null, null,
                null, null, null);
    }

    private final LoadBalancer lb = withRules(lb("www.example.com", "off", pool("f", origin("f1", 1)),
            pool("a", origin("a1", 1))), List.of(new Rule("r", "", false, 0, false, null, NONE)));

    @Test
    void aLaterRuleWinsPerFieldAndKeepsTheEarlierOnesOthers() {
        final RuleOverrides first = new RuleOverrides(new AdaptiveRouting(true), null, List.of("p1"), "f1", null,
                null, null, null, "cookie", null, 1800, "random", 10, null, null, null);
        final RuleOverrides second = new RuleOverrides(null, null, List.of("p2"), null, null, null, null, null, null,
                null, null, "off", null, null, null, null);

        final RuleOverrides merged = Overrides.merge(first, second);

        assertThat(merged).isEqualTo(new RuleOverrides(new AdaptiveRouting(true), null, List.of("p2"), "f1", null,
                null, null, null, "cookie", null, 1800, "off", 10, null, null, null));
        assertThat(Overrides.merge(second, NONE)).isEqualTo(second);
    }

    @Test
    void applyingReplacesTheNamedFieldsAndDropsTheRules() {
        final LoadBalancer out = Overrides.apply(lb, new RuleOverrides(null, null, List.of("p9"), "f9", null, null,
                null, null, null, null, null, "random", 5, null, null, null));

        assertThat(out.defaultPools()).containsExactly("p9");
        assertThat(out.fallbackPool()).isEqualTo("f9");
        assertThat(out.steeringPolicy()).isEqualTo("random");
        assertThat(out.ttl()).isEqualTo(5);
        assertThat(out.rules()).isEmpty();
        assertThat(out.id()).isEqualTo(lb.id());
        assertThat(out.name()).isEqualTo(lb.name());
        assertThat(Overrides.apply(lb, NONE).defaultPools()).isEqualTo(lb.defaultPools());
    }

    private static RuleOverrides newer(List<String> pools, Map<String, Double> poolWeights, Double defaultWeight) {
        return new RuleOverrides(null, null, null, null, null, null, null, null, null, null, null, null, null, pools,
                poolWeights, defaultWeight);
    }

    private static RuleOverrides random(RandomSteering r) {
        return new RuleOverrides(null, null, null, null, null, null, r, null, null, null, null, null, null, null,
                null, null);
    }

    @Test
    void poolsReplaceTheDefaultPoolsAndTheGeoMaps() {
        final LoadBalancer geo = Fixtures.with(withRules(lb("www.example.com", "", pool("f", origin("f1", 1)),
                pool("a", origin("a1", 1))), List.of()), p -> p.regions(Map.of("WEU", List.of("r1")))
                .countries(Map.of("DE", List.of("c1"))).pops(Map.of("FRA", List.of("p1"))));
        final RuleOverrides both = new RuleOverrides(null, null, List.of("d9"), null, null, null, null,
                Map.of("WEU", List.of("r9")), null, null, null, null, null, List.of("p2", "p1"), null, null);

        final LoadBalancer out = Overrides.apply(geo, both);

        assertThat(out.defaultPools()).as("pools win over default_pools, in their order").containsExactly("p2", "p1");
        assertThat(out.regionPools()).isEmpty();
        assertThat(out.countryPools()).isEmpty();
        assertThat(out.popPools()).isEmpty();
        assertThat(out.fallbackPool()).isEqualTo(geo.fallbackPool());
        assertThat(out.steeringPolicy()).as("\"\" now resolves to failover order").isEmpty();
        assertThat(Overrides.affectRouting(newer(List.of("p1"), null, null))).isTrue();
        assertThat(Overrides.affectRouting(newer(null, Map.of(), null))).isTrue();
        assertThat(Overrides.affectRouting(newer(null, null, 0.5))).isTrue();
    }

    @Test
    void poolWeightsAndDefaultWeightReplaceTheirOwnHalfOfRandomSteering() {
        final LoadBalancer weighted = Fixtures.with(lb, p -> p.weights(0.7, Map.of("a", 0.2)));

        assertThat(Overrides.apply(weighted, newer(null, Map.of("b", 0.9), null)).randomSteering())
                .isEqualTo(new RandomSteering(0.7, Map.of("b", 0.9)));
        assertThat(Overrides.apply(weighted, newer(null, null, 0.1)).randomSteering())
                .isEqualTo(new RandomSteering(0.1, Map.of("a", 0.2)));
        assertThat(Overrides.apply(weighted, newer(null, Map.of(), 0.0)).randomSteering())
                .isEqualTo(new RandomSteering(0.0, Map.of()));
        assertThat(Overrides.apply(weighted, newer(List.of("a"), null, null)).randomSteering())
                .as("no weight given: the load balancer's").isEqualTo(weighted.randomSteering());
    }

    @Test
    void acrossRulesTheLaterWeightsWinPerHalf() {
        final RandomSteering earlier = new RandomSteering(0.5, Map.of("a", 0.3));

        assertThat(Overrides.merge(random(earlier), newer(null, null, 0.9)))
                .as("a later default weight folds into the earlier random_steering")
                .isEqualTo(random(new RandomSteering(0.9, Map.of("a", 0.3))));
        assertThat(Overrides.merge(random(earlier), newer(null, Map.of("b", 1.0), null)))
                .isEqualTo(random(new RandomSteering(0.5, Map.of("b", 1.0))));
        assertThat(Overrides.merge(newer(null, Map.of("b", 1.0), 0.9), random(earlier)))
                .as("a later random_steering replaces both halves").isEqualTo(random(earlier));
        assertThat(Overrides.merge(newer(List.of("p1"), Map.of("b", 1.0), null), newer(List.of("p2"), null, 0.4)))
                .isEqualTo(newer(List.of("p2"), Map.of("b", 1.0), 0.4));
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
