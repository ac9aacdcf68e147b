package dev.fulcrum.routing;

import dev.fulcrum.affinity.AffinitySettings;
import dev.fulcrum.config.FixedResponse;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.routing.RouteDecision.Forward;
import dev.fulcrum.routing.RouteDecision.Respond;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.fulcrum.routing.Fixtures.T0;
import static dev.fulcrum.routing.Fixtures.disabled;
import static dev.fulcrum.routing.Fixtures.health;
import static dev.fulcrum.routing.Fixtures.monitored;
import static dev.fulcrum.routing.Fixtures.origin;
import static dev.fulcrum.routing.Fixtures.pool;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.withRules;
import static org.assertj.core.api.Assertions.assertThat;

/** Custom rules in the router (spec §6, §4.1 step 3): overrides, fixed responses, order, terminates, disabled. */
class RuleRoutingTest {

    private static final String HOST = "www.example.com";

    private final Origin a1 = origin("a1", "10.0.1.1", 8080, 1);
    private final Origin b1 = origin("b1", "10.0.2.1", 8080, 1);
    private final Origin c1 = origin("c1", "10.0.3.1", 8080, 1);
    private final Origin f1 = origin("f1", "10.0.9.1", 8080, 1);
    private final Pool a = pool("pool-a", a1);
    private final Pool b = pool("pool-b", b1);
    private final Pool c = pool("pool-c", c1);
    private final Pool fallback = pool("pool-f", f1);

    private final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT.withRegion("WEU"),
            new OriginConnections(), OutcomeListener.NONE,
            AffinitySettings.ephemeral().withClock(Clock.fixed(T0, ZoneOffset.UTC)));

    // ---- builders ----------------------------------------------------------------------------------------------

    private static RuleOverrides overrides(List<String> defaultPools, String fallbackPool, String steering,
                                           String affinity, Map<String, List<String>> regionPools) {
        return new RuleOverrides(null, null, defaultPools, fallbackPool, null, null, null, regionPools, affinity,
                null, null, steering, null, null, null, null);
    }

    private static RuleOverrides toPools(Pool... pools) {
        return overrides(ids(pools), null, null, null, null);
    }

    private static List<String> ids(Pool... pools) {
        return java.util.Arrays.stream(pools).map(Pool::id).toList();
    }

    private static Rule rule(String condition, int priority, boolean terminates, RuleOverrides overrides) {
        return new Rule("r", condition, false, priority, terminates, null, overrides);
    }

    private static Rule fixed(String condition, int priority, FixedResponse response) {
        return new Rule("f", condition, false, priority, true, response, null);
    }

    private static Rule off(Rule r) {
        return new Rule(r.name(), r.condition(), true, r.priority(), r.terminates(), r.fixedResponse(),
                r.overrides());
    }

    private void serve(LoadBalancer lb, Pool... pools) {
        router.update(config(lb, pools));
    }

    private LoadBalancer offLb(Rule... rules) {
        return withRules(lb(HOST, "off", fallback, a), List.of(rules));
    }

    private Forward forward(TestRequest request) {
        final RouteDecision decision = router.route(request);
        assertThat(decision).isInstanceOf(Forward.class);
        final Forward f = (Forward) decision;
        f.complete(Outcome.RESPONDED, 200, 1);
        return f;
    }

    private String poolFor(String target) {
        return forward(TestRequest.to(HOST).target(target)).poolId();
    }

    // ---- overrides ---------------------------------------------------------------------------------------------

    @Test
    void anOverrideSendsOnlyMatchingRequestsToItsPools() {
        serve(offLb(rule("starts_with(http.request.uri.path, \"/b/\")", 0, false, toPools(b))), a, b, fallback);

        assertThat(poolFor("/b/x")).isEqualTo(b.id());
        assertThat(poolFor("/a/x")).isEqualTo(a.id());
        assertThat(poolFor("/")).isEqualTo(a.id());
    }

    @Test
    void anEmptyConditionMatchesEveryRequest() {
        serve(offLb(rule("", 0, false, toPools(c))), a, c, fallback);
        assertThat(poolFor("/")).isEqualTo(c.id());
        assertThat(poolFor("/any?x=1")).isEqualTo(c.id());
    }

    @Test
    void laterMatchesOverwritePerFieldAndKeepTheOthers() {
        final Pool offB = disabled(b);
        // Rule 0 moves the request to b (disabled, so it falls back); rule 1 replaces only the fallback pool.
        serve(offLb(rule("http.request.method eq \"POST\"", 0, false, toPools(offB)),
                rule("http.request.uri.query contains \"fb=c\"", 0, false, overrides(null, c.id(), null, null, null))),
                a, offB, c, fallback);

        final TestRequest post = TestRequest.to(HOST).method("POST");
        assertThat(forward(post).poolId()).as("rule 0 only: b is disabled, LB fallback").isEqualTo(fallback.id());
        assertThat(forward(post.target("/?fb=c")).poolId()).as("both: rule 0's pools, rule 1's fallback")
                .isEqualTo(c.id());
        assertThat(forward(post.target("/?fb=c")).poolId()).as("the combination is reused").isEqualTo(c.id());
        assertThat(forward(TestRequest.to(HOST).target("/?fb=c")).poolId()).as("rule 1 only: a is usable")
                .isEqualTo(a.id());
    }

    @Test
    void aLaterMatchOverwritesTheSameField() {
        serve(offLb(rule("true", 0, false, toPools(b)), rule("http.request.uri.path eq \"/c\"", 0, false,
                toPools(c))), a, b, c, fallback);
        assertThat(poolFor("/c")).isEqualTo(c.id());
        assertThat(poolFor("/")).isEqualTo(b.id());
    }

    @Test
    void steeringPolicyOverride() {
        serve(withRules(lb(HOST, "random", fallback, a, b), List.of(
                rule("http.request.headers[\"x-sticky\"][0] eq \"1\"", 0, false, overrides(null, null, "off", null,
                        null)))), a, b, fallback);

        final Set<String> pinned = new HashSet<>();
        final Set<String> spread = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            pinned.add(forward(TestRequest.to(HOST).header("X-Sticky", "1")).poolId());
            spread.add(forward(TestRequest.to(HOST)).poolId());
        }
        assertThat(pinned).containsExactly(a.id());
        assertThat(spread).containsExactlyInAnyOrder(a.id(), b.id());
    }

    @Test
    void geoOverrideUsesTheNodesRegion() {
        serve(offLb(rule("http.host eq \"www.example.com\"", 0, false,
                overrides(null, null, "geo", null, Map.of("WEU", ids(c), "ENAM", ids(b))))), a, b, c, fallback);
        assertThat(poolFor("/")).isEqualTo(c.id());
    }

    @Test
    void sessionAffinityOverrideSetsTheCookieOnlyForMatchingRequests() {
        serve(offLb(rule("starts_with(http.request.uri.path, \"/app\")", 0, false,
                overrides(null, null, null, "cookie", null))), a, fallback);

        assertThat(setCookie(forward(TestRequest.to(HOST).target("/app/x")))).startsWith("__cflb=");
        assertThat(setCookie(forward(TestRequest.to(HOST).target("/other")))).isNull();
    }

    private static String setCookie(Forward f) {
        return f.responseHeaders().stream().filter(h -> h.getKey().equalsIgnoreCase("Set-Cookie"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Test
    void conditionsReadTheNodeTheLoadBalancerTheClockAndTheClient() {
        serve(offLb(rule("cf.load_balancer.region eq \"WEU\" and cf.load_balancer.name eq \"www.example.com\" "
                + "and http.request.timestamp.sec eq " + T0.getEpochSecond() + " and ip.src in {192.0.2.0/24}", 0,
                false, toPools(b))), a, b, fallback);

        assertThat(forward(TestRequest.to(HOST).from("192.0.2.77")).poolId()).isEqualTo(b.id());
        assertThat(forward(TestRequest.to(HOST).from("203.0.113.1")).poolId()).isEqualTo(a.id());
    }

    // ---- the newer overrides: pools, pool_weights, pool_default_weight ------------------------------------------

    private static RuleOverrides flat(String steering, List<String> pools, Map<String, Double> poolWeights,
                                      Double poolDefaultWeight) {
        return new RuleOverrides(null, null, null, null, null, null, null, null, null, null, null, steering, null,
                pools, poolWeights, poolDefaultWeight);
    }

    /** How many of {@code n} forwarded requests went to each pool id. */
    private Map<String, Integer> spread(TestRequest request, int n) {
        final Map<String, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(forward(request).poolId(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void poolsSendMatchingRequestsOnlyToThosePoolsUnderTheLoadBalancersPolicy() {
        serve(withRules(lb(HOST, "random", fallback, a, b), List.of(rule("starts_with(http.request.uri.path, "
                + "\"/new/\")", 0, false, flat(null, ids(b, c), null, null)))), a, b, c, fallback);

        assertThat(spread(TestRequest.to(HOST).target("/new/x"), 300)).as("random over b and c only")
                .containsOnlyKeys(b.id(), c.id());
        assertThat(spread(TestRequest.to(HOST).target("/old"), 300)).containsOnlyKeys(a.id(), b.id());
    }

    @Test
    void poolsAreTheFailoverOrderAndAHealthChangeOfOneOfThemRebuildsThePlan() {
        final Pool mc = monitored(c, 1);
        final Pool mb = monitored(b, 1);
        serve(offLb(rule("http.request.uri.path eq \"/x\"", 0, false, flat(null, ids(mc, mb), null, null))),
                a, mb, mc, fallback);
        router.update(health().up(mc, c1).up(mb, b1).build());
        assertThat(poolFor("/x")).as("the first pool of the list").isEqualTo(c.id());

        router.update(health().down(mc, c1).up(mb, b1).build());
        assertThat(poolFor("/x")).as("c is critical: the next in list order").isEqualTo(b.id());

        router.update(health().down(mc, c1).down(mb, b1).build());
        assertThat(poolFor("/x")).as("none usable: the load balancer's fallback").isEqualTo(fallback.id());
        assertThat(poolFor("/")).isEqualTo(a.id());
    }

    @Test
    void poolsReplaceTheGeoListsToo() {
        final LoadBalancer geo = Fixtures.with(lb(HOST, "geo", fallback, a), p -> p.regions(Map.of("WEU", ids(b))));
        serve(withRules(geo, List.of(rule("http.request.method eq \"POST\"", 0, false,
                flat(null, ids(c, a), null, null)))), a, b, c, fallback);

        assertThat(poolFor("/")).as("the node's region list").isEqualTo(b.id());
        assertThat(forward(TestRequest.to(HOST).method("POST")).poolId()).isEqualTo(c.id());
    }

    @Test
    void poolWeightsWeighRandomAndLeastOutstandingForMatchingRequests() {
        for (String policy : List.of("random", "least_outstanding_requests", "least_connections")) {
            // b's weight 0.8 from pool_weights, a's 0.2 from pool_default_weight; the rest of the traffic 1:1.
            serve(withRules(lb(HOST, policy, fallback, a, b), List.of(rule("http.request.uri.path eq \"/w\"", 0,
                    false, flat(null, null, Map.of(b.id(), 0.8), 0.2)))), a, b, fallback);

            final int n = 2000;
            final Map<String, Integer> weighted = spread(TestRequest.to(HOST).target("/w"), n);
            // Expected 400 of 2000 on a (σ ≈ 18): the bounds are more than 5 σ away, yet far from 1:1 (1000).
            assertThat(weighted.getOrDefault(a.id(), 0)).as(policy).isBetween(300, 500);
            assertThat(weighted.get(a.id()) + weighted.get(b.id())).isEqualTo(n);
            assertThat(spread(TestRequest.to(HOST).target("/"), n).get(a.id())).as(policy + ", no match")
                    .isBetween(850, 1150);
        }
    }

    @Test
    void aZeroWeightTakesAPoolOutOfAMatchingRequestsChoice() {
        serve(withRules(lb(HOST, "random", fallback, a, b), List.of(rule("true", 0, false,
                flat(null, ids(a, b, c), Map.of(c.id(), 1.0), 0.0)))), a, b, c, fallback);
        assertThat(spread(TestRequest.to(HOST), 200)).containsOnlyKeys(c.id());
    }

    // ---- fixed responses ---------------------------------------------------------------------------------------

    @Test
    void aFixedResponseIsAnsweredDirectly() {
        serve(offLb(fixed("http.request.uri.path eq \"/old\"", 0,
                new FixedResponse(301, "text/plain", "https://new.example.com/", "moved"))), a, fallback);

        final RouteDecision decision = router.route(TestRequest.to(HOST).target("/old"));

        assertThat(decision).isInstanceOf(Respond.class);
        final Respond respond = (Respond) decision;
        assertThat(respond.status()).isEqualTo(301);
        assertThat(respond.contentType()).isEqualTo("text/plain");
        assertThat(respond.body()).isEqualTo("moved");
        assertThat(respond.responseHeaders()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("CF-Ray",
                "Location");
        assertThat(respond.responseHeaders()).contains(Map.entry("Location", "https://new.example.com/"));
        assertThat(poolFor("/new")).isEqualTo(a.id());
    }

    @Test
    void aFixedResponseWithOnlyAStatus() {
        serve(offLb(fixed("", 0, new FixedResponse(204, null, null, null))), a, fallback);

        final Respond respond = (Respond) router.route(TestRequest.to(HOST));

        assertThat(respond.status()).isEqualTo(204);
        assertThat(respond.contentType()).isNull();
        assertThat(respond.body()).isEmpty();
        assertThat(respond.responseHeaders()).extracting(Map.Entry::getKey).containsExactly("CF-Ray");
    }

    @Test
    void aFixedResponseEndsEvaluationEvenAfterOverrides() {
        serve(offLb(rule("true", 0, false, toPools(b)), fixed("http.request.method eq \"DELETE\"", 1,
                new FixedResponse(405, null, null, null)), rule("true", 2, false, toPools(c))), a, b, c, fallback);

        assertThat(router.route(TestRequest.to(HOST).method("DELETE"))).isInstanceOf(Respond.class);
        assertThat(poolFor("/")).isEqualTo(c.id());
    }

    // ---- order, terminates, disabled -----------------------------------------------------------------------------

    @Test
    void rulesRunByPriorityThenArrayIndex() {
        // Array order c, b; priorities make b's rule run first, and it terminates.
        serve(offLb(rule("true", 5, false, toPools(c)), rule("http.request.uri.path eq \"/b\"", 1, true, toPools(b))),
                a, b, c, fallback);
        assertThat(poolFor("/b")).isEqualTo(b.id());
        assertThat(poolFor("/")).isEqualTo(c.id());

        // Equal priorities: array order, so the second rule's pools win.
        serve(offLb(rule("true", 3, false, toPools(b)), rule("true", 3, false, toPools(c))), a, b, c, fallback);
        assertThat(poolFor("/")).isEqualTo(c.id());
    }

    @Test
    void terminatesStopsLaterRules() {
        serve(offLb(rule("http.request.uri.path eq \"/b\"", 0, true, toPools(b)),
                fixed("true", 1, new FixedResponse(403, "text/plain", null, "no"))), a, b, fallback);

        assertThat(poolFor("/b")).isEqualTo(b.id());
        assertThat(router.route(TestRequest.to(HOST).target("/x"))).isInstanceOf(Respond.class);
    }

    @Test
    void aTerminatingRuleWithoutRoutingOverridesStillStopsTheWalk() {
        final RuleOverrides dnsOnly = new RuleOverrides(null, null, null, null, null, null, null, null, null, null,
                null, null, 5, null, null, null);
        serve(offLb(rule("http.request.uri.path eq \"/keep\"", 0, true, dnsOnly), rule("true", 1, false,
                toPools(b))), a, b, fallback);

        assertThat(poolFor("/keep")).isEqualTo(a.id());
        assertThat(poolFor("/")).isEqualTo(b.id());
    }

    @Test
    void disabledRulesAreSkipped() {
        serve(offLb(off(fixed("true", 0, new FixedResponse(503, null, null, null))), off(rule("true", 0, true,
                toPools(b))), rule("http.request.uri.path eq \"/c\"", 0, false, toPools(c))), a, b, c, fallback);

        assertThat(poolFor("/")).isEqualTo(a.id());
        assertThat(poolFor("/c")).isEqualTo(c.id());
    }

    @Test
    void loadBalancersWithoutEffectiveRulesCarryNoRulePlan() {
        final RuleOverrides dnsOnly = new RuleOverrides(null, null, null, null, null, null, null, null, null, null,
                null, null, 5, null, null, null);
        serve(lb(HOST, "off", fallback, a), a, fallback);
        assertThat(router.snapshot().hosts.find(HOST).rules).isNull();

        serve(offLb(off(rule("true", 0, false, toPools(a))), rule("true", 0, false, dnsOnly)), a, fallback);
        assertThat(router.snapshot().hosts.find(HOST).rules).as("disabled, or DNS-only overrides").isNull();
        assertThat(poolFor("/")).isEqualTo(a.id());
    }

    @Test
    void aStoredConditionThatDoesNotCompileNeverMatches() {
        serve(offLb(fixed("http.host eqq \"x\"", 0, new FixedResponse(503, null, null, null)),
                rule("true", 1, false, toPools(b))), a, b, fallback);
        assertThat(poolFor("/")).isEqualTo(b.id());
    }

    // ---- snapshots -----------------------------------------------------------------------------------------------

    @Test
    void aHealthChangeOfAPoolOnlyARuleUsesRebuildsThePlan() {
        final Pool mb = monitored(b, 1);
        serve(offLb(rule("http.request.uri.path eq \"/b\"", 0, false, toPools(mb))), a, mb, fallback);
        router.update(health().up(mb, b1).build());
        assertThat(poolFor("/b")).isEqualTo(b.id());

        router.update(health().down(mb, b1).build());
        assertThat(poolFor("/b")).as("b is critical now: the fallback serves").isEqualTo(fallback.id());
        assertThat(poolFor("/")).isEqualTo(a.id());
    }

    @Test
    void anUnchangedLoadBalancerKeepsItsPlanAndRules() {
        serve(offLb(rule("true", 0, false, toPools(b))), a, b, c, fallback);
        final LbPlan before = router.snapshot().hosts.find(HOST);
        router.update(health().up(c, c1).build()); // c is unmonitored and unused here
        assertThat(router.snapshot().hosts.find(HOST)).isSameAs(before);
    }
}
