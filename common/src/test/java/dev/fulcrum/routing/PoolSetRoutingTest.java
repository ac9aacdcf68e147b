package dev.fulcrum.routing;

import dev.fulcrum.config.FixedResponse;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.PoolSetMatch;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.routing.RouteDecision.Forward;
import dev.fulcrum.routing.RouteDecision.Respond;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.fulcrum.routing.Fixtures.disabled;
import static dev.fulcrum.routing.Fixtures.origin;
import static dev.fulcrum.routing.Fixtures.pool;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.router;
import static dev.fulcrum.testing.Fixtures.withPoolSets;
import static dev.fulcrum.testing.Fixtures.withRules;
import static org.assertj.core.api.Assertions.assertThat;

/** Pool sets in the router (spec §4.6, §4.1 step 2): matching by the node's location, order, and the rules after. */
class PoolSetRoutingTest {

    private static final String HOST = "www.example.com";
    /** A node in Los Angeles: PoP LAX, country US, region WNAM. */
    private static final RoutingSettings LAX = RoutingSettings.of("LAX", "US", 34.05, -118.24).withRegion("WNAM");
    private static final RoutingSettings FRA = RoutingSettings.of("FRA", "DE", 50.11, 8.68);

    private final Origin a1 = origin("a1", "10.0.1.1", 8080, 1);
    private final Pool a = pool("pool-a", a1);
    private final Pool b = pool("pool-b", origin("b1", "10.0.2.1", 8080, 1));
    private final Pool c = pool("pool-c", origin("c1", "10.0.3.1", 8080, 1));
    private final Pool fallback = pool("pool-f", origin("f1", "10.0.9.1", 8080, 1));

    // ---- builders ----------------------------------------------------------------------------------------------

    private static RuleOverrides to(String steering, Map<String, Double> weights, String fallbackPool,
                                    Pool... pools) {
        return new RuleOverrides(null, null, null, fallbackPool, null, null, null, null, null, null, null, steering,
                null, Arrays.stream(pools).map(Pool::id).toList(), weights, null);
    }

    private static PoolSet set(PoolSetMatch match, Pool... pools) {
        return new PoolSet("s", false, match, to(null, null, null, pools), null);
    }

    private static PoolSetMatch topology(List<String> pops, List<String> countries, List<String> regions) {
        return new PoolSetMatch(false, pops, countries, regions);
    }

    private LoadBalancer lbWith(PoolSet... sets) {
        return withPoolSets(lb(HOST, "off", fallback, a), List.of(sets));
    }

    private String poolAt(RoutingSettings node, LoadBalancer lb, TestRequest request) {
        final RouteDecision decision = router(config(lb, a, b, c, fallback), HealthSnapshot.EMPTY, node)
                .route(request);
        assertThat(decision).isInstanceOf(Forward.class);
        final Forward f = (Forward) decision;
        f.complete(Outcome.RESPONDED, 200, 1);
        return f.poolId();
    }

    private String poolAt(RoutingSettings node, LoadBalancer lb) {
        return poolAt(node, lb, TestRequest.to(HOST));
    }

    // ---- matching ----------------------------------------------------------------------------------------------

    @Test
    void aDefaultSetOrOneWithoutMatchReplacesPoolSelection() {
        assertThat(poolAt(LAX, lbWith(set(PoolSetMatch.DEFAULT, b)))).isEqualTo(b.id());
        assertThat(poolAt(RoutingSettings.DEFAULT, lbWith(set(null, c)))).as("no match: every request")
                .isEqualTo(c.id());
    }

    @Test
    void aTopologyMatchesTheNodesPopCountryAndRegion() {
        final LoadBalancer lb = lbWith(set(topology(List.of("SJC"), null, null), c),
                set(topology(List.of("LAX", "SJC"), List.of("CA", "US"), List.of("WNAM")), b));

        assertThat(poolAt(LAX, lb)).as("pop, country and region all fit").isEqualTo(b.id());
        assertThat(poolAt(FRA, lb)).as("no set fits: the load balancer's own selection").isEqualTo(a.id());
        assertThat(poolAt(RoutingSettings.DEFAULT, lb)).as("a node without a location matches no topology")
                .isEqualTo(a.id());
    }

    @Test
    void theListsOfOneTopologyAreAnded() {
        final LoadBalancer lb = lbWith(set(topology(List.of("LAX"), List.of("DE"), null), b),
                set(topology(null, List.of("US"), List.of("ENAM")), c));
        assertThat(poolAt(LAX, lb)).isEqualTo(a.id());
        assertThat(poolAt(FRA, lbWith(set(topology(null, List.of("DE"), List.of("WEU")), b)))).isEqualTo(b.id());
    }

    @Test
    void theFirstMatchingSetWinsAndADisabledSetIsSkipped() {
        final PoolSet off = new PoolSet("off", true, PoolSetMatch.DEFAULT, to(null, null, null, c), null);
        final LoadBalancer lb = lbWith(off, set(topology(null, null, List.of("WNAM")), b), set(null, c));
        assertThat(poolAt(LAX, lb)).isEqualTo(b.id());
        assertThat(poolAt(FRA, lb)).isEqualTo(c.id());
    }

    @Test
    void theClientCountryHeaderDecidesCountriesWhenConfigured() {
        final RoutingSettings trusting = LAX.withClientCountryHeader("CF-IPCountry");
        final LoadBalancer lb = lbWith(set(topology(null, List.of("DE", "FR"), null), b),
                set(topology(List.of("LAX"), List.of("US"), null), c));

        assertThat(poolAt(trusting, lb, TestRequest.to(HOST).header("CF-IPCountry", "FR"))).isEqualTo(b.id());
        assertThat(poolAt(trusting, lb, TestRequest.to(HOST).header("CF-IPCountry", "US"))).isEqualTo(c.id());
        assertThat(poolAt(trusting, lb, TestRequest.to(HOST).header("CF-IPCountry", "JP"))).isEqualTo(a.id());
        assertThat(poolAt(trusting, lb, TestRequest.to(HOST).header("CF-IPCountry", "XX")))
                .as("unknown client country: the node's").isEqualTo(c.id());
        assertThat(poolAt(LAX, lb, TestRequest.to(HOST).header("CF-IPCountry", "FR")))
                .as("an untrusted header is not read").isEqualTo(c.id());
    }

    // ---- what a set does ---------------------------------------------------------------------------------------

    @Test
    void aSetsPoolsGoInFailoverOrderUnlessItNamesAPolicy() {
        final LoadBalancer random = withPoolSets(lb(HOST, "random", fallback, a),
                List.of(new PoolSet("s", false, null, to(null, null, null, b, c), null)));
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.add(poolAt(LAX, random));
        }
        assertThat(seen).as("the load balancer's random policy does not apply").containsExactly(b.id());

        final LoadBalancer weighted = lbWith(new PoolSet("s", false, null,
                to("random", Map.of(b.id(), 0.0), null, b, c), null));
        for (int i = 0; i < 50; i++) {
            assertThat(poolAt(LAX, weighted)).as("the set's own weights").isEqualTo(c.id());
        }
    }

    @Test
    void aSetsFallbackPoolReplacesTheLoadBalancers() {
        final Pool offB = disabled(b);
        final LoadBalancer lb = withPoolSets(lb(HOST, "off", fallback, a),
                List.of(new PoolSet("s", false, null, to(null, null, c.id(), offB), null)));
        final RouteDecision decision = router(config(lb, a, offB, c, fallback), HealthSnapshot.EMPTY, LAX)
                .route(TestRequest.to(HOST));
        assertThat(((Forward) decision).poolId()).isEqualTo(c.id());
    }

    @Test
    void aChangeToAPoolOnlyASetUsesRebuildsTheLoadBalancersPlan() {
        final LoadBalancer lb = lbWith(set(null, b));
        final SnapshotRouter router = router(config(lb, a, b, fallback), HealthSnapshot.EMPTY, LAX);
        assertThat(((Forward) router.route(TestRequest.to(HOST))).poolId()).isEqualTo(b.id());

        router.update(config(lb, a, disabled(b), fallback));
        assertThat(((Forward) router.route(TestRequest.to(HOST))).poolId()).isEqualTo(fallback.id());
    }

    @Test
    void rulesOverrideTheMatchingSet() {
        final RuleOverrides toC = new RuleOverrides(null, null, null, null, null, null, null, null, null, null, null,
                null, null, List.of(c.id()), null, null);
        final LoadBalancer lb = withPoolSets(withRules(lb(HOST, "off", fallback, a),
                List.of(new Rule("r", "http.request.uri.path eq \"/c\"", false, 0, false, null, toC))),
                List.of(set(PoolSetMatch.DEFAULT, b)));

        assertThat(poolAt(LAX, lb, TestRequest.to(HOST).target("/c"))).isEqualTo(c.id());
        assertThat(poolAt(LAX, lb, TestRequest.to(HOST).target("/other"))).isEqualTo(b.id());
    }

    @Test
    void aFixedResponseEndsProcessingBeforeTheRules() {
        final FixedResponse moved = new FixedResponse(302, "text/plain", "https://example.com/eu", "moved");
        final Rule rule = new Rule("r", "", false, 0, true, new FixedResponse(503, null, null, "rule"), null);
        final LoadBalancer lb = withPoolSets(withRules(lb(HOST, "off", fallback, a), List.of(rule)),
                List.of(new PoolSet("eu", false, topology(null, List.of("DE"), null), null, moved)));

        final RouteDecision atFra = router(config(lb, a, fallback), HealthSnapshot.EMPTY, FRA)
                .route(TestRequest.to(HOST));
        assertThat(atFra).isInstanceOfSatisfying(Respond.class, r -> {
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.body()).isEqualTo("moved");
            assertThat(r.responseHeaders()).contains(Map.entry("Location", "https://example.com/eu"));
        });
        final RouteDecision atLax = router(config(lb, a, fallback), HealthSnapshot.EMPTY, LAX)
                .route(TestRequest.to(HOST));
        assertThat(atLax).isInstanceOfSatisfying(Respond.class, r -> assertThat(r.status()).as("the rule's")
                .isEqualTo(503));
    }
}
