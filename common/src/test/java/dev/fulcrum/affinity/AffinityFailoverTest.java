package dev.fulcrum.affinity;

import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.config.json.ConfigJson;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision.Forward;
import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.testing.Fixtures;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.fulcrum.affinity.Routing.HOST;
import static dev.fulcrum.affinity.Routing.setCookie;
import static dev.fulcrum.affinity.Routing.withCookieOf;
import static dev.fulcrum.testing.AffinityFixtures.attributes;
import static dev.fulcrum.testing.AffinityFixtures.disabled;
import static dev.fulcrum.testing.AffinityFixtures.headers;
import static dev.fulcrum.testing.AffinityFixtures.withAffinity;
import static dev.fulcrum.testing.AffinityFixtures.withOrigins;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.health;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.monitored;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code zero_downtime_failover} with pinned sessions (spec §5.3, §8.3): what the one failover retry does to the pin,
 * for a connection failure and for an origin the monitors call unhealthy.
 */
class AffinityFailoverTest {

    private final Origin a = origin("a", 9001, 1);
    private final Origin b = origin("b", 9002, 1);
    private final Pool p = pool("p", "random", a, b);
    private final Routing routing = new Routing();

    private void serve(String type, SessionAffinityAttributes attributes, Pool pool) {
        routing.serve(config(withAffinity(lb(HOST, "off", null, pool), type, null, attributes), pool));
    }

    private void serveCookie(String mode) {
        serve("cookie", attributes(0, mode), p);
    }

    /** A client whose cookie pins it to origin {@code name}. */
    private TestRequest pinnedTo(String name) {
        for (int i = 0; i < 500; i++) {
            final Forward f = routing.forward(TestRequest.to(HOST));
            f.complete(Outcome.RESPONDED, 200, 1);
            if (f.originName().equals(name)) {
                return withCookieOf(TestRequest.to(HOST), f);
            }
        }
        throw new AssertionError("never steered to " + name);
    }

    private Forward refused(Forward f) {
        f.complete(Outcome.CONNECT_FAILED, 0, 1);
        return f.failover(UpstreamFailure.CONNECTION_REFUSED);
    }

    @Test
    void noneFailsAPinnedRequestOnAConnectionFailure() {
        serveCookie("none");
        final TestRequest onA = pinnedTo("a");
        final Forward f = routing.forward(onA);
        assertThat(f.originName()).isEqualTo("a");
        assertThat(refused(f)).as("no retry for a pinned request").isNull();
        assertThat(routing.router.outstanding(p.id())).isZero();
        // The pin stays: the next request goes to a again (until the monitors call it down).
        assertThat(routing.forward(onA).originName()).isEqualTo("a");
    }

    @Test
    void aNewSessionIsPinnedWhereItWasServedNotWhereItFailed() {
        serveCookie("none");
        Forward first;
        do {
            first = routing.forward(TestRequest.to(HOST));
            if (!first.originName().equals("a")) {
                first.complete(Outcome.RESPONDED, 200, 1);
            }
        } while (!first.originName().equals("a"));
        assertThat(setCookie(first)).isNotNull();
        final Forward retry = refused(first);
        assertThat(setCookie(first)).as("a failed attempt pins nothing").isNull();
        assertThat(retry.originName()).isEqualTo("b");
        final TestRequest pinned = withCookieOf(TestRequest.to(HOST), retry);
        retry.complete(Outcome.RESPONDED, 200, 1);
        for (int i = 0; i < 20; i++) {
            assertThat(routing.forward(pinned).originName()).isEqualTo("b");
        }
    }

    @Test
    void aFailureAnswerCarriesNoNewCookie() {
        serveCookie("none");
        final Forward f = routing.forward(TestRequest.to(HOST));
        assertThat(setCookie(f)).isNotNull();
        f.complete(Outcome.EXCHANGE_FAILED, 0, 1);
        assertThat(setCookie(f)).isNull();
        assertThat(Routing.header(f.responseHeaders(), "CF-Ray")).isNotBlank();
        final Forward g = routing.forward(TestRequest.to(HOST));
        g.complete(Outcome.RESPONDED, 502, 1);
        assertThat(setCookie(g)).as("the origin answered, even with an error").isNotNull();
    }

    @Test
    void temporaryServesElsewhereAndKeepsThePin() {
        serveCookie("temporary");
        final TestRequest onA = pinnedTo("a");
        final Forward retry = refused(routing.forward(onA));
        assertThat(retry).isNotNull();
        assertThat(retry.originName()).isEqualTo("b");
        assertThat(setCookie(retry)).isNull();
        retry.complete(Outcome.RESPONDED, 200, 1);
        assertThat(routing.forward(onA).originName()).isEqualTo("a");
    }

    @Test
    void stickyRepinsToTheOriginThatServed() {
        serveCookie("sticky");
        final TestRequest onA = pinnedTo("a");
        final Forward retry = refused(routing.forward(onA));
        assertThat(retry.originName()).isEqualTo("b");
        final TestRequest repinned = withCookieOf(onA, retry);
        retry.complete(Outcome.RESPONDED, 200, 1);
        for (int i = 0; i < 20; i++) {
            assertThat(routing.forward(repinned).originName()).isEqualTo("b");
        }
    }

    @Test
    void anUnhealthyPinIsServedElsewhereAndKeptOnlyUnderTemporary() {
        for (String mode : List.of("none", "temporary", "sticky")) {
            final Pool m = monitored(p);
            routing.serve(config(withAffinity(lb(HOST, "off", null, m), "cookie", null, attributes(0, mode)), m))
                    .health(health().up(m, a).up(m, b).build());
            final TestRequest onA = pinnedTo("a");
            routing.health(health().down(m, a).up(m, b).build());
            final Forward elsewhere = routing.forward(onA);
            assertThat(elsewhere.originName()).as(mode).isEqualTo("b");
            if (mode.equals("temporary")) {
                assertThat(setCookie(elsewhere)).as(mode).isNull();
                routing.health(health().up(m, a).up(m, b).build());
                assertThat(routing.forward(onA).originName()).as("back when a recovers").isEqualTo("a");
            } else {
                final TestRequest repinned = withCookieOf(onA, elsewhere);
                routing.health(health().up(m, a).up(m, b).build());
                assertThat(routing.forward(repinned).originName()).as(mode).isEqualTo("b");
            }
        }
    }

    @Test
    void theRecorderHearsHitsMissesAndRepinsButNothingForAPinKeptElsewhere() {
        final Pool m = monitored(p);
        routing.serve(config(withAffinity(lb(HOST, "off", null, m), "cookie", null, attributes(0, "temporary")), m))
                .health(health().up(m, a).up(m, b).build());
        final TestRequest onA = pinnedTo("a");
        final int misses = routing.recorded.get("miss");
        assertThat(misses).as("one per new session until one landed on a").isPositive();
        routing.forward(onA).complete(Outcome.RESPONDED, 200, 1);
        assertThat(routing.recorded).containsEntry("hit", 1).doesNotContainKey("repin");

        routing.health(health().down(m, a).up(m, b).build());
        final Forward kept = routing.forward(onA);
        assertThat(kept.originName()).isEqualTo("b");
        assertThat(setCookie(kept)).isNull();
        kept.complete(Outcome.RESPONDED, 200, 1);
        assertThat(routing.recorded).containsEntry("hit", 1).containsEntry("miss", misses).doesNotContainKey("repin");

        // The pinned origin is gone from the pool: the pin breaks and the request makes a new one.
        serve("cookie", attributes(0, "temporary"), withOrigins(p, b));
        routing.forward(onA).complete(Outcome.RESPONDED, 200, 1);
        assertThat(routing.recorded).containsEntry("hit", 1).containsEntry("miss", misses).containsEntry("repin", 1);
    }

    @Test
    void aDrainingPinFailsOverToAnEnabledOrigin() {
        serve("cookie", attributes(600, "temporary"), p);
        final TestRequest onA = pinnedTo("a");
        serve("cookie", attributes(600, "temporary"), withOrigins(p, disabled(a, Routing.START), b));
        final Forward draining = routing.forward(onA);
        assertThat(draining.originName()).isEqualTo("a");
        final Forward retry = refused(draining);
        assertThat(retry.originName()).isEqualTo("b");
        assertThat(setCookie(retry)).isNull();
    }

    @Test
    void headerAffinityTemporaryKeepsTheServerSidePin() {
        serve("header", attributes("Auto", "Auto", 0, "temporary", List.of("X-User"), false), p);
        TestRequest user = null;
        for (int i = 0; user == null && i < 500; i++) {
            final TestRequest r = TestRequest.to(HOST).header("X-User", "u" + i);
            final Forward f = routing.forward(r);
            assertThat(setCookie(f)).as("header pins are kept server-side").isNull();
            f.complete(Outcome.RESPONDED, 200, 1);
            if (f.originName().equals("a")) {
                user = r;
            }
        }
        final Forward retry = refused(routing.forward(user));
        assertThat(retry.originName()).isEqualTo("b");
        retry.complete(Outcome.RESPONDED, 200, 1);
        for (int i = 0; i < 20; i++) {
            assertThat(routing.forward(user).originName()).isEqualTo("a");
        }
    }

    @Test
    void headerAffinityPinsANewSessionWhereItWasServed() {
        serve("header", headers(false, "X-User"), p);
        Forward first = null;
        TestRequest user = null;
        for (int i = 0; first == null && i < 500; i++) {
            final TestRequest r = TestRequest.to(HOST).header("X-User", "n" + i);
            final Forward f = routing.forward(r);
            if (f.originName().equals("a")) {
                first = f;
                user = r;
            } else {
                f.complete(Outcome.RESPONDED, 200, 1);
            }
        }
        final Forward retry = refused(first);
        assertThat(retry.originName()).isEqualTo("b");
        retry.complete(Outcome.RESPONDED, 200, 1);
        for (int i = 0; i < 20; i++) {
            assertThat(routing.forward(user).originName()).isEqualTo("b");
        }
        assertThat(routing.router.headerSessions().size()).isGreaterThan(0);
    }

    @Test
    void stickyWithHeaderAffinityIsRefusedByTheCodecWith1002() {
        final ConfigJson json = new ConfigJson();
        final String body = "{\"name\":\"www.example.com\",\"default_pools\":[\"" + Fixtures.id("p")
                + "\"],\"fallback_pool\":\"" + Fixtures.id("p") + "\",\"session_affinity\":\"header\","
                + "\"session_affinity_attributes\":{\"headers\":[\"X-User\"],\"zero_downtime_failover\":\"sticky\"}}";
        assertThatThrownBy(() -> json.readLoadBalancer(ConfigJson.mapper().readTree(body),
                new ConfigJson.Meta(Fixtures.id("lb"), Fixtures.id("zone"), Instant.EPOCH, Instant.EPOCH)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).anySatisfy(err -> {
                    assertThat(err.path()).isEqualTo("session_affinity_attributes.zero_downtime_failover");
                    assertThat(err.cfCode()).isEqualTo(1002);
                }));
        final LoadBalancer lb = withAffinity(lb(HOST, "off", null, p), "header", null,
                attributes("Auto", "Auto", 0, "sticky", List.of("X-User"), false));
        assertThatThrownBy(() -> routing.serve(config(lb, p))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sticky");
    }
}
