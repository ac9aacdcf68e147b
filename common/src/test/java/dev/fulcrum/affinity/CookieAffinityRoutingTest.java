package dev.fulcrum.affinity;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision.Forward;
import dev.fulcrum.testing.Fixtures;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.fulcrum.affinity.Routing.HOST;
import static dev.fulcrum.affinity.Routing.cookiePair;
import static dev.fulcrum.affinity.Routing.setCookie;
import static dev.fulcrum.affinity.Routing.withCookieOf;
import static dev.fulcrum.testing.AffinityFixtures.attributes;
import static dev.fulcrum.testing.AffinityFixtures.disabled;
import static dev.fulcrum.testing.AffinityFixtures.dnsOnly;
import static dev.fulcrum.testing.AffinityFixtures.sheddingSessions;
import static dev.fulcrum.testing.AffinityFixtures.weighted;
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

/** Cookie affinity in the router: pins, their validity, health, drain, deletion, shedding and ip_cookie (spec §5). */
class CookieAffinityRoutingTest {

    private final Origin a = origin("a", 9001, 1);
    private final Origin b = origin("b", 9002, 1);
    private final Origin c = origin("c", 9003, 1);
    private final Pool p = pool("p", "random", a, b, c);
    private final Routing routing = new Routing();

    private LoadBalancer cookieLb(SessionAffinityAttributes attributes, Pool... pools) {
        return withAffinity(lb(HOST, "off", null, pools), "cookie", null, attributes);
    }

    private Routing serve(SessionAffinityAttributes attributes, Pool... pools) {
        return routing.serve(config(cookieLb(attributes, pools), pools));
    }

    /** A first request, its decision completed, and the request that carries its cookie back. */
    private TestRequest pinnedClient() {
        final TestRequest first = TestRequest.to(HOST);
        final Forward f = routing.forward(first);
        f.complete(Outcome.RESPONDED, 200, 1);
        return withCookieOf(first, f);
    }

    @Test
    void theFirstResponseSetsTheCookieAndAThousandLaterRequestsStayPinned() {
        serve(SessionAffinityAttributes.DEFAULT, p);
        final Set<String> firstOrigins = new HashSet<>();
        for (int client = 0; client < 20; client++) {
            final TestRequest first = TestRequest.to(HOST).from("198.51.100." + client);
            final Forward f = routing.forward(first);
            f.complete(Outcome.RESPONDED, 200, 1);
            firstOrigins.add(f.originName());
            final TestRequest again = withCookieOf(first, f);
            for (int i = 0; i < 50; i++) {
                final Forward next = routing.forward(again);
                next.complete(Outcome.RESPONDED, 200, 1);
                assertThat(next.originName()).isEqualTo(f.originName());
                assertThat(setCookie(next)).as("a pinned request sets no cookie").isNull();
            }
        }
        assertThat(firstOrigins).as("new sessions are still steered by weight").hasSizeGreaterThan(1);
        assertThat(routing.router.outstanding(p.id())).isZero();
    }

    @Test
    void theCookieFollowsTheSpecAttributes() {
        serve(SessionAffinityAttributes.DEFAULT, p);
        final String http = setCookie(routing.forward(TestRequest.to(HOST)));
        final String expires = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
                .withZone(ZoneOffset.UTC).format(Routing.START.plusSeconds(Affinity.COOKIE_TTL_DEFAULT));
        assertThat(http).matches("__cflb=[A-Za-z0-9_-]{64}; Path=/; Expires=" + expires + "; HttpOnly; SameSite=Lax");
        assertThat(setCookie(routing.forward(TestRequest.to(HOST).scheme("https"))))
                .endsWith("; HttpOnly; SameSite=None; Secure");

        routing.serve(config(withAffinity(lb(HOST, "off", null, p), "cookie", 1800,
                attributes("Strict", "Always", 0, "none", List.of(), false)), p));
        assertThat(setCookie(routing.forward(TestRequest.to(HOST)))).endsWith("; HttpOnly; SameSite=Strict; Secure")
                .contains("; Expires=Thu, 01 Jan 2026 01:30:00 GMT;");
        routing.serve(config(withAffinity(lb(HOST, "off", null, p), "cookie", null,
                attributes("Lax", "Never", 0, "none", List.of(), false)), p));
        assertThat(setCookie(routing.forward(TestRequest.to(HOST).scheme("https"))))
                .endsWith("; HttpOnly; SameSite=Lax");
        assertThat(setCookie(routing.forward(TestRequest.to(HOST).scheme("https")))).doesNotContain("Domain");
    }

    @Test
    void aTamperedForeignOrExpiredCookieIsIgnoredAndReplaced() {
        serve(SessionAffinityAttributes.DEFAULT, p);
        final TestRequest pinned = pinnedClient();
        final String pair = pinned.header("Cookie");
        final String token = pair.substring("__cflb=".length());
        final char flipped = token.charAt(20) == 'A' ? 'B' : 'A';
        final String forged = "__cflb=" + token.substring(0, 20) + flipped + token.substring(21);
        assertThat(setCookie(routing.forward(TestRequest.to(HOST).cookies(forged)))).isNotNull();
        assertThat(setCookie(routing.forward(TestRequest.to(HOST).cookies("__cflb=garbage")))).isNotNull();

        // Another load balancer's cookie, signed with the same key, is not this one's.
        final Pool q = pool("q", "random", origin("q1", 9101, 1));
        final LoadBalancer other = withAffinity(lb("other.example.test", "off", null, q), "cookie", null,
                SessionAffinityAttributes.DEFAULT);
        routing.serve(config(List.of(cookieLb(SessionAffinityAttributes.DEFAULT, p), other), p, q));
        final Forward fromOther = routing.forward(TestRequest.to("other.example.test"));
        assertThat(setCookie(routing.forward(TestRequest.to(HOST).cookies(cookiePair(setCookie(fromOther))))))
                .isNotNull();
        assertThat(setCookie(routing.forward(pinned))).as("still valid here").isNull();

        // Expired: 23 h later the cookie is no longer honoured.
        routing.clock.advance(Duration.ofSeconds(Affinity.COOKIE_TTL_DEFAULT));
        assertThat(setCookie(routing.forward(pinned))).isNotNull();
    }

    @Test
    void anotherNodeWithTheSameKeyHonoursTheCookie() {
        serve(SessionAffinityAttributes.DEFAULT, p);
        final Forward first = routing.forward(TestRequest.to(HOST));
        final TestRequest pinned = withCookieOf(TestRequest.to(HOST), first);
        final Routing sameKey = new Routing(routing.key).serve(config(cookieLb(SessionAffinityAttributes.DEFAULT,
                p), p));
        final Routing otherKey = new Routing().serve(config(cookieLb(SessionAffinityAttributes.DEFAULT, p), p));
        for (int i = 0; i < 20; i++) {
            final Forward f = sameKey.forward(pinned);
            assertThat(f.originName()).isEqualTo(first.originName());
            assertThat(setCookie(f)).isNull();
        }
        assertThat(setCookie(otherKey.forward(pinned))).isNotNull();
    }

    @Test
    void aShorterTtlCutsExistingCookiesShort() {
        serve(SessionAffinityAttributes.DEFAULT, p);
        final TestRequest pinned = pinnedClient();
        routing.serve(config(withAffinity(lb(HOST, "off", null, p), "cookie", 1800,
                SessionAffinityAttributes.DEFAULT), p));
        assertThat(setCookie(routing.forward(pinned))).isNotNull();
    }

    @Test
    void aPinToAnUnhealthyOriginIsBrokenAndRepinned() {
        final Pool m = monitored(p);
        routing.serve(config(cookieLb(SessionAffinityAttributes.DEFAULT, m), m))
                .health(health().up(m, a).up(m, b).up(m, c).build());
        final TestRequest pinned = pinnedClient();
        final String origin = routing.forward(pinned).originName();
        final Origin pinnedOrigin = origin.equals("a") ? a : origin.equals("b") ? b : c;
        final Fixtures.Health h = health();
        for (Origin o : List.of(a, b, c)) {
            if (o == pinnedOrigin) {
                h.down(m, o);
            } else {
                h.up(m, o);
            }
        }
        routing.health(h.build());
        final Forward moved = routing.forward(pinned);
        assertThat(moved.originName()).isNotEqualTo(origin);
        final TestRequest repinned = withCookieOf(pinned, moved);
        // Recovery does not pull the new session back: it is pinned to where it went.
        routing.health(health().up(m, a).up(m, b).up(m, c).build());
        for (int i = 0; i < 30; i++) {
            assertThat(routing.forward(repinned).originName()).isEqualTo(moved.originName());
        }
    }

    @Test
    void aDisabledOriginDrainsItsSessionsForTheDrainDurationAndTakesNoNewOnes() {
        final SessionAffinityAttributes drain60 = attributes(60, "none");
        final Pool two = withOrigins(p, a, b);
        serve(drain60, two);
        final Map<String, TestRequest> pinnedTo = new HashMap<>();
        for (int i = 0; pinnedTo.size() < 2 && i < 200; i++) {
            final TestRequest first = TestRequest.to(HOST).from("203.0.113." + i);
            final Forward f = routing.forward(first);
            pinnedTo.putIfAbsent(f.originName(), withCookieOf(first, f));
        }
        assertThat(pinnedTo).containsKeys("a", "b");

        // Disabled 10 s ago (disabled_at), drain 60 s: its session still reaches it; new sessions never do.
        final Instant disabledAt = Routing.START.minusSeconds(10);
        final Pool aDisabled = withOrigins(two, disabled(a, disabledAt), b);
        serve(drain60, aDisabled);
        for (int i = 0; i < 50; i++) {
            final Forward f = routing.forward(pinnedTo.get("a"));
            assertThat(f.originName()).isEqualTo("a");
            assertThat(setCookie(f)).isNull();
            assertThat(routing.forward(TestRequest.to(HOST).from("192.0.2." + i)).originName()).isEqualTo("b");
        }
        routing.clock.advance(Duration.ofSeconds(49));
        assertThat(routing.forward(pinnedTo.get("a")).originName()).isEqualTo("a");
        routing.clock.advance(Duration.ofSeconds(1));
        final Forward after = routing.forward(pinnedTo.get("a"));
        assertThat(after.originName()).isEqualTo("b");
        assertThat(setCookie(after)).as("re-steered with a new cookie").isNotNull();
        assertThat(routing.forward(pinnedTo.get("b")).originName()).isEqualTo("b");
    }

    @Test
    void withoutDrainADisabledOriginLosesItsSessionsAtOnce() {
        final Pool two = withOrigins(p, a, b);
        serve(SessionAffinityAttributes.DEFAULT, two);
        TestRequest onA = null;
        for (int i = 0; onA == null && i < 200; i++) {
            final Forward f = routing.forward(TestRequest.to(HOST));
            if (f.originName().equals("a")) {
                onA = withCookieOf(TestRequest.to(HOST), f);
            }
        }
        serve(SessionAffinityAttributes.DEFAULT, withOrigins(two, disabled(a, Routing.START), b));
        assertThat(routing.forward(onA).originName()).isEqualTo("b");
        // A disabled_at the configuration does not know means no drain either.
        serve(attributes(600, "none"), two);
        serve(attributes(600, "none"), withOrigins(two, disabled(a, null), b));
        assertThat(routing.forward(onA).originName()).isEqualTo("b");
    }

    @Test
    void aDisabledPoolDrainsLikeItsOrigins() {
        final Pool first = pool("first", "random", a);
        final Pool second = pool("second", "random", b);
        serve(attributes(300, "none"), first, second);
        final TestRequest onFirst = pinnedClient();
        assertThat(routing.forward(onFirst).poolId()).isEqualTo(first.id());

        serve(attributes(300, "none"), disabled(first, Routing.START), second);
        assertThat(routing.forward(onFirst).originName()).isEqualTo("a");
        assertThat(routing.forward(TestRequest.to(HOST)).originName()).isEqualTo("b");
        routing.clock.advance(Duration.ofSeconds(300));
        assertThat(routing.forward(onFirst).originName()).isEqualTo("b");
    }

    @Test
    void aDeletedOriginOrAPoolTheLoadBalancerNoLongerUsesBreaksThePin() {
        serve(SessionAffinityAttributes.DEFAULT, p);
        final TestRequest pinned = pinnedClient();
        final String origin = routing.forward(pinned).originName();
        final Origin[] rest = List.of(a, b, c).stream().filter(o -> !o.name().equals(origin)).toArray(Origin[]::new);
        serve(SessionAffinityAttributes.DEFAULT, withOrigins(p, rest));
        final Forward moved = routing.forward(pinned);
        assertThat(moved.originName()).isNotEqualTo(origin);
        assertThat(setCookie(moved)).isNotNull();

        final TestRequest pinnedAgain = withCookieOf(pinned, moved);
        final Pool other = pool("other", "random", origin("x", 9201, 1));
        routing.serve(config(cookieLb(SessionAffinityAttributes.DEFAULT, other), withOrigins(p, rest), other));
        assertThat(routing.forward(pinnedAgain).originName()).isEqualTo("x");
    }

    @Test
    void aPinWinsOverWeightsSoWeightZeroKeepsExistingSessions() {
        final Pool two = withOrigins(p, a, b);
        serve(SessionAffinityAttributes.DEFAULT, two);
        TestRequest onA = null;
        for (int i = 0; onA == null && i < 200; i++) {
            final Forward f = routing.forward(TestRequest.to(HOST));
            if (f.originName().equals("a")) {
                onA = withCookieOf(TestRequest.to(HOST), f);
            }
        }
        serve(SessionAffinityAttributes.DEFAULT, withOrigins(two, weighted(a, 0), b));
        for (int i = 0; i < 20; i++) {
            assertThat(routing.forward(onA).originName()).isEqualTo("a");
            assertThat(routing.forward(TestRequest.to(HOST)).originName()).isEqualTo("b");
        }
    }

    @Test
    void sessionPercentShedsAFixedShareOfSessionsToTheNextPool() {
        final Pool first = pool("first", "random", a);
        final Pool second = pool("second", "random", b);
        serve(SessionAffinityAttributes.DEFAULT, first, second);
        final List<TestRequest> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            sessions.add(pinnedClient());
        }
        serve(SessionAffinityAttributes.DEFAULT, sheddingSessions(first, 25), second);
        final Set<Integer> shed = new HashSet<>();
        for (int i = 0; i < sessions.size(); i++) {
            final Forward f = routing.forward(sessions.get(i));
            if (f.originName().equals("b")) {
                shed.add(i);
                assertThat(setCookie(f)).as("re-pinned").isNotNull();
            } else {
                assertThat(setCookie(f)).isNull();
            }
        }
        assertThat(shed.size()).isBetween(60, 140); // 25 % of 400 = 100; the hash slice is fixed, not exact
        for (int i = 0; i < sessions.size(); i++) {
            assertThat(routing.forward(sessions.get(i)).originName()).as("session %d", i)
                    .isEqualTo(shed.contains(i) ? "b" : "a");
        }
        serve(SessionAffinityAttributes.DEFAULT, sheddingSessions(first, 100), second);
        for (TestRequest s : sessions) {
            assertThat(routing.forward(s).originName()).isEqualTo("b");
        }
    }

    @Test
    void ipCookiePlacesNewClientsByAddressAndTheCookieWinsAfterwards() {
        final Pool first = pool("first", "random", a, b);
        final Pool second = pool("second", "random", c, origin("d", 9004, 1));
        routing.serve(config(withAffinity(lb(HOST, "random", null, first, second), "ip_cookie", null,
                SessionAffinityAttributes.DEFAULT), first, second));
        final Map<String, Integer> perOrigin = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            final TestRequest client = TestRequest.to(HOST).from("10.1." + (i / 200) + "." + (i % 200));
            final String origin = routing.forward(client).originName();
            for (int k = 0; k < 5; k++) {
                assertThat(routing.forward(client).originName()).as("same address, no cookie").isEqualTo(origin);
            }
            perOrigin.merge(origin, 1, Integer::sum);
        }
        assertThat(perOrigin).containsOnlyKeys("a", "b", "c", "d");
        perOrigin.values().forEach(n -> assertThat(n).isBetween(60, 140));

        // The cookie, once set, wins over the address: the same cookie from another address keeps its origin.
        final Forward f = routing.forward(TestRequest.to(HOST).from("10.9.9.9"));
        final TestRequest pinned = withCookieOf(TestRequest.to(HOST).from("10.9.9.9"), f);
        for (int i = 0; i < 50; i++) {
            assertThat(routing.forward(pinned.from("172.16.0." + i)).originName()).isEqualTo(f.originName());
        }
    }

    @Test
    void affinityAppliesWhateverProxiedSaysBecauseFulcrumProxiesEveryLoadBalancer() {
        routing.serve(config(dnsOnly(cookieLb(SessionAffinityAttributes.DEFAULT, p)), p));
        final Forward first = routing.forward(TestRequest.to(HOST));
        final TestRequest pinned = withCookieOf(TestRequest.to(HOST), first);
        for (int i = 0; i < 20; i++) {
            assertThat(routing.forward(pinned).originName()).isEqualTo(first.originName());
        }
    }

    @Test
    void theRouterRefusesAffinityValuesValidationWouldRefuse() {
        assertThatThrownBy(() -> routing.serve(config(withAffinity(lb(HOST, "off", null, p), "cookie", 600,
                SessionAffinityAttributes.DEFAULT), p)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("session_affinity_ttl: 600 (expected: 1800-604800 for cookie)");
        assertThatThrownBy(() -> routing.serve(config(withAffinity(lb(HOST, "off", null, p), "cookies", null,
                SessionAffinityAttributes.DEFAULT), p)))
                .hasMessageContaining("session_affinity: cookies (expected: none, cookie, ip_cookie, header)");
        assertThatThrownBy(() -> serve(attributes("None", "Never", 0, "none", List.of(), false), p))
                .hasMessageContaining("secure: Never with samesite None");
        assertThatThrownBy(() -> serve(attributes(86_401, "none"), p))
                .hasMessageContaining("drain_duration: 86401 (expected: 0-86400)");
        assertThatThrownBy(() -> serve(attributes(0, "always"), p))
                .hasMessageContaining("zero_downtime_failover: always (expected: none, temporary, sticky)");
    }

    @Test
    void aRequestNeverSeesAnotherRequestsPin() {
        serve(SessionAffinityAttributes.DEFAULT, p);
        final Map<String, TestRequest> byOrigin = new HashMap<>();
        for (int i = 0; byOrigin.size() < 3 && i < 300; i++) {
            final Forward f = routing.forward(TestRequest.to(HOST));
            byOrigin.putIfAbsent(f.originName(), withCookieOf(TestRequest.to(HOST), f));
        }
        assertThat(byOrigin).hasSize(3);
        for (int i = 0; i < 30; i++) {
            for (Map.Entry<String, TestRequest> e : byOrigin.entrySet()) {
                assertThat(routing.forward(e.getValue()).originName()).isEqualTo(e.getKey());
            }
            assertThat(setCookie(routing.forward(TestRequest.to(HOST)))).isNotNull();
        }
    }
}
