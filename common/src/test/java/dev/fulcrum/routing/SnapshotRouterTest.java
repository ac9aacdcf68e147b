package dev.fulcrum.routing;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.routing.RouteDecision.Forward;
import dev.fulcrum.routing.RouteDecision.Respond;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.fulcrum.routing.Fixtures.disabled;
import static dev.fulcrum.routing.Fixtures.health;
import static dev.fulcrum.routing.Fixtures.monitored;
import static dev.fulcrum.routing.Fixtures.origin;
import static dev.fulcrum.routing.Fixtures.pool;
import static dev.fulcrum.routing.Fixtures.with;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The router's stages end to end: host, candidates, usable filter, fallback, 530/1016. */
class SnapshotRouterTest {

    private final Origin a1 = origin("a1", "10.0.1.1", 8080, 1);
    private final Origin a2 = origin("a2", "10.0.1.2", 8080, 1);
    private final Origin b1 = origin("b1", "10.0.2.1", 8080, 1);
    private final Origin f1 = origin("f1", "10.0.9.1", 8080, 1);
    private final Pool a = pool("pool-a", a1, a2);
    private final Pool b = pool("pool-b", b1);
    private final Pool fallback = pool("pool-f", f1);

    private final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT);

    private Forward forward(RequestView request) {
        final RouteDecision decision = router.route(request);
        assertThat(decision).isInstanceOf(Forward.class);
        return (Forward) decision;
    }

    @Test
    void unknownHostHasNoDecision() {
        router.update(config(lb("www.example.com", "off", fallback, a, b), a, b, fallback));
        assertThat(router.route(TestRequest.to("other.example.com"))).isNull();
        assertThat(router.route(TestRequest.to("example.com"))).isNull();
        assertThat(router.route(TestRequest.to(""))).isNull();
        assertThat(router.route(TestRequest.to(null))).isNull();
    }

    @Test
    void emptyRouterHasNoDecision() {
        assertThat(router.route(TestRequest.to("www.example.com"))).isNull();
    }

    @Test
    void disabledLoadBalancerHasNoDecision() {
        final LoadBalancer off = with(lb("www.example.com", "off", fallback, a), LbPartsOps::disabled);
        router.update(config(off, a, fallback));
        assertThat(router.route(TestRequest.to("www.example.com"))).isNull();
    }

    @Test
    void hostMatchIsCaseInsensitiveAndIgnoresPortAndTrailingDot() {
        router.update(config(lb("www.Example.com", "off", fallback, a), a, fallback));
        for (String host : List.of("www.example.com", "WWW.EXAMPLE.COM", "www.example.com:8443", "www.example.com.",
                "www.example.com.:80")) {
            assertThat(forward(TestRequest.to(host)).poolId()).as(host).isEqualTo(a.id());
        }
    }

    @Test
    void servesExactlyTheHostsThatGetADecision() {
        assertThat(router.serves("www.example.com")).isFalse();
        router.update(config(lb("www.Example.com", "off", fallback, a), a, fallback));
        for (String host : List.of("www.example.com", "WWW.EXAMPLE.COM", "www.example.com:8443", "www.example.com.")) {
            assertThat(router.serves(host)).as(host).isTrue();
        }
        for (String host : Arrays.asList("example.com", "other.example.com", "", null)) {
            assertThat(router.serves(host)).as(host).isFalse();
        }
        router.update(config(with(lb("www.example.com", "off", fallback, a), LbPartsOps::disabled), a, fallback));
        assertThat(router.serves("www.example.com")).isFalse();
    }

    @Test
    void offUsesFirstPoolThenSkipsUnusableOnes() {
        final Pool ma = monitored(a, 1);
        final Pool mb = monitored(b, 1);
        router.update(config(lb("www.example.com", "off", fallback, ma, mb), ma, mb, fallback));
        router.update(health().allUp(ma, 10).allUp(mb, 10).build());
        for (int i = 0; i < 100; i++) {
            assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(a.id());
        }
        router.update(health().down(ma, a1).down(ma, a2).allUp(mb, 10).build());
        assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(b.id());
    }

    @Test
    void unmonitoredPoolsAreAlwaysUsableSoOffStaysOnTheFirst() {
        router.update(config(lb("www.example.com", "off", fallback, a, b), a, b, fallback));
        router.update(health().down(a, a1).down(a, a2).build()); // ignored: pool a has no monitor
        assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(a.id());
    }

    @Test
    void monitoredOriginWithoutResultIsNotUsable() {
        final Pool ma = monitored(a, 1);
        router.update(config(lb("www.example.com", "off", fallback, ma, b), ma, b, fallback));
        // No health snapshot at all yet: pool a is monitored, so it has no usable origin.
        assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(b.id());
        router.update(health().up(ma, a2).build());
        for (int i = 0; i < 200; i++) {
            final Forward f = forward(TestRequest.to("www.example.com"));
            assertThat(f.poolId()).isEqualTo(a.id());
            assertThat(f.originName()).isEqualTo("a2");
            f.complete(Outcome.RESPONDED, 200, 1);
        }
    }

    @Test
    void minimumOriginsMakesAPoolCritical() {
        final Pool ma = monitored(a, 2);
        router.update(config(lb("www.example.com", "off", fallback, ma, b), ma, b, fallback));
        router.update(health().up(ma, a1).down(ma, a2).build());
        assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(b.id());
        router.update(health().up(ma, a1).up(ma, a2).build());
        assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(a.id());
    }

    @Test
    void disabledPoolIsSkipped() {
        final Pool off = disabled(a);
        router.update(config(lb("www.example.com", "off", fallback, off, b), off, b, fallback));
        assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(b.id());
    }

    @Test
    void fallbackIgnoresHealthWhenNoPoolIsUsable() {
        final Pool ma = monitored(a, 1);
        final Pool mf = monitored(fallback, 1);
        router.update(config(lb("www.example.com", "off", mf, ma), ma, mf));
        router.update(health().down(ma, a1).down(ma, a2).down(mf, f1).build());
        final Forward f = forward(TestRequest.to("www.example.com"));
        assertThat(f.poolId()).isEqualTo(fallback.id());
        assertThat(f.originName()).isEqualTo("f1");
    }

    @Test
    void fallbackPrefersItsHealthyOrigins() {
        final Origin f2 = origin("f2", "10.0.9.2", 8080, 1);
        final Pool mf = monitored(pool("pool-f", f1, f2), 1);
        final Pool ma = monitored(a, 1);
        router.update(config(lb("www.example.com", "off", mf, ma), ma, mf));
        router.update(health().down(ma, a1).down(ma, a2).down(mf, f1).up(mf, f2).build());
        for (int i = 0; i < 100; i++) {
            assertThat(forward(TestRequest.to("www.example.com")).originName()).isEqualTo("f2");
        }
    }

    @Test
    void disabledFallbackGives530With1016() {
        final Pool ma = monitored(a, 1);
        final Pool off = disabled(fallback);
        router.update(config(lb("www.example.com", "off", off, ma), ma, off));
        router.update(health().down(ma, a1).down(ma, a2).build());
        final RouteDecision decision = router.route(TestRequest.to("www.example.com"));
        assertThat(decision).isInstanceOf(Respond.class);
        final Respond respond = (Respond) decision;
        assertThat(respond.status()).isEqualTo(530);
        assertThat(respond.contentType()).startsWith("text/html");
        assertThat(respond.body()).contains("Error 1016").contains("Origin DNS error");
        assertThat(respond.responseHeaders()).anySatisfy(h -> {
            assertThat(h.getKey()).isEqualTo("CF-Ray");
            assertThat(h.getValue()).matches("[0-9a-f]{16}-FUL");
        });
    }

    @Test
    void fallbackWithoutEnabledWeightedOriginGives530() {
        final Pool ma = monitored(a, 1);
        final Pool empty = pool("pool-f", Fixtures.disabled(f1), origin("f0", "10.0.9.3", 80, 0));
        router.update(config(lb("www.example.com", "off", empty, ma), ma, empty));
        final RouteDecision decision = router.route(TestRequest.to("www.example.com"));
        assertThat(decision).isInstanceOf(Respond.class);
        assertThat(((Respond) decision).status()).isEqualTo(530);
    }

    @Test
    void missingFallbackGives530() {
        final Pool ma = monitored(a, 1);
        router.update(config(lb("www.example.com", "off", null, ma), ma));
        assertThat(router.route(TestRequest.to("www.example.com"))).isInstanceOf(Respond.class);
    }

    @Test
    void poolWhoseHealthyOriginsAllHaveWeightZeroIsNotUsable() {
        final Origin z = origin("z", "10.0.3.1", 80, 0);
        final Pool zero = pool("pool-z", z);
        router.update(config(lb("www.example.com", "off", fallback, zero, b), zero, b, fallback));
        assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(b.id());
    }

    @Test
    void healthUpdatesKeepInFlightCounters() {
        router.update(config(lb("www.example.com", "off", fallback, a), a, fallback));
        final Forward held = forward(TestRequest.to("www.example.com"));
        assertThat(router.outstanding(a.id())).isEqualTo(1);
        router.update(new HealthSnapshot(Map.of()));
        router.update(config(lb("www.example.com", "off", fallback, a, b), a, b, fallback));
        assertThat(router.outstanding(a.id())).isEqualTo(1);
        held.complete(Outcome.RESPONDED, 200, 1);
        held.complete(Outcome.RESPONDED, 200, 1); // idempotent
        assertThat(router.outstanding(a.id())).isZero();
    }

    @Test
    void unusableConfigurationIsRefusedAndTheOldSnapshotKeepsServing() {
        router.update(config(lb("www.example.com", "off", fallback, a), a, fallback));
        final LoadBalancer bad = new LoadBalancer(Fixtures.id("bad"), Fixtures.id("zone"), Fixtures.T0, Fixtures.T0,
                "bad.example.com", "", true, true, 30, null, List.of(a.id()), Map.of(), Map.of(), Map.of(),
                "random_steering", null, null, null, "none", null, null, List.of(), null);
        assertThatThrownBy(() -> router.update(config(bad, a)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.example.com")
                .hasMessageContaining("steering_policy: random_steering");
        assertThat(forward(TestRequest.to("www.example.com")).poolId()).isEqualTo(a.id());
    }

    @Test
    void moreThanSixtyFourPoolsInOneListIsRefusedClearly() {
        final List<Pool> many = new java.util.ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(pool("pool-" + i, origin("o", "10.9.0." + (i + 1), 80, 1)));
        }
        final LoadBalancer lb = lb("many.example.com", "off", fallback, many.toArray(new Pool[0]));
        many.add(fallback);
        assertThatThrownBy(() -> router.update(config(lb, many.toArray(new Pool[0]))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(many.example.com): pool list: 65 pools (expected: at most 64 per list)");
    }

    @Test
    void badPoolSettingNamesThePool() {
        final Pool bad = Fixtures.shedding(a, 10, "sticky");
        assertThatThrownBy(() -> router.update(config(lb("www.example.com", "off", fallback, bad), bad, fallback)))
                .hasMessage("pool " + a.id() + " (pool-a): load_shedding.default_policy: sticky "
                        + "(expected: random, hash)");
    }

    /** Method references for {@link Fixtures#with}. */
    private static final class LbPartsOps {
        static Fixtures.LbParts disabled(Fixtures.LbParts p) {
            return p.disabled();
        }
    }
}
