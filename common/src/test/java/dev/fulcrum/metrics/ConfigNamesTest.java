package dev.fulcrum.metrics;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static dev.fulcrum.testing.Fixtures.withRules;
import static org.assertj.core.api.Assertions.assertThat;

/** Which (load balancer, pool, origin) combinations the metrics may create meters for. */
class ConfigNamesTest {

    @Test
    void aPoolOnlyARulesOverridePoolsNameBelongsToTheLoadBalancer() {
        final Pool main = pool("main", "random", origin("a", 8080, 1));
        final Pool canary = pool("canary", "random", origin("c", 8081, 1));
        final Pool unused = pool("unused", "random", origin("u", 8082, 1));
        final RuleOverrides toCanary = new RuleOverrides(null, null, null, null, null, null, null, null, null, null,
                null, null, null, List.of(canary.id()), null, null);
        final LoadBalancer lb = withRules(lb("www.example.test", "off", null, main),
                List.of(new Rule("canary", "", false, 0, false, null, toCanary)));

        final ConfigNames names = new ConfigNames(config(List.of(lb), main, canary, unused));

        assertThat(names.has(lb.id(), main.id(), "a")).isTrue();
        assertThat(names.has(lb.id(), canary.id(), "c")).as("an attempt routed by overrides.pools is counted").isTrue();
        assertThat(names.has(lb.id(), unused.id(), "u")).isFalse();
    }
}
