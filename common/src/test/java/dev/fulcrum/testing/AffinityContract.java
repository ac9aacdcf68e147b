package dev.fulcrum.testing;

import dev.fulcrum.affinity.AffinityKey;
import dev.fulcrum.affinity.AffinitySettings;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.OutcomeListener;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
import java.util.concurrent.TimeUnit;

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
import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session affinity through a real wrapper (spec §5, §8.3): the {@code __cflb} cookie as a browser receives and
 * returns it, pins that survive or break with health, drain and deletion, the three failover modes against a
 * refused origin, header affinity, and per-request (never per-connection) affinity over one keep-alive connection.
 * Real origins on loopback ports, a real router on a {@link FakeClock}; subclasses supply the container.
 *
 * <p>The client keeps no cookies of its own: every test sends exactly the Cookie header it means to.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class AffinityContract extends HostContract {

    protected static final String LB_HOST = "affinity.example.test";
    private static final Instant START = Instant.parse("2026-01-01T01:00:00Z");

    protected final FakeClock clock = new FakeClock(START);
    protected final AffinityKey key = AffinityKey.random();
    protected SnapshotRouter router;

    // ---- plumbing ----------------------------------------------------------------------------------------------

    @Override
    protected void configureClient(HttpClient c) {
        c.setHttpCookieStore(new HttpCookieStore.Empty());
    }

    private void start(ConfigSnapshot config, HealthSnapshot health) throws Exception {
        router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(), OutcomeListener.NONE,
                new AffinitySettings(key, clock, 1_000));
        router.update(config);
        router.update(health);
        startHost(router);
    }

    private void start(ConfigSnapshot config) throws Exception {
        start(config, HealthSnapshot.EMPTY);
    }

    private static LoadBalancer affinityLb(String type, SessionAffinityAttributes attributes, Pool... pools) {
        return withAffinity(lb(LB_HOST, "off", null, pools), type, null, attributes);
    }

    /** GET / with this Cookie header (null = none) and extra headers as name/value pairs. */
    private ContentResponse get(String cookie, String... headerPairs) throws Exception {
        return ClientProtocol.request(client, host.port(), LB_HOST).path("/")
                .headers(h -> {
                    if (cookie != null) {
                        h.put(HttpHeader.COOKIE, cookie);
                    }
                    for (int i = 0; i < headerPairs.length; i += 2) {
                        h.put(headerPairs[i], headerPairs[i + 1]);
                    }
                })
                .timeout(30, TimeUnit.SECONDS).send();
    }

    /** The {@code __cflb} Set-Cookie of a response, or null (the origins set cookies of their own too). */
    private static String cflb(List<String> setCookies) {
        String found = null;
        for (String value : setCookies) {
            if (value.startsWith("__cflb=")) {
                assertThat(found).as("one __cflb per response").isNull();
                found = value;
            }
        }
        return found;
    }

    private static String cflb(ContentResponse response) {
        return cflb(response.getHeaders().getValuesList(HttpHeader.SET_COOKIE));
    }

    /** The Cookie header a browser sends back for a {@code __cflb} Set-Cookie value. */
    private static String returned(String setCookie) {
        assertThat(setCookie).as("__cflb Set-Cookie").isNotNull();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String servedBy(ContentResponse response) {
        assertThat(response.getStatus()).isEqualTo(200);
        return response.getHeaders().get("X-Origin");
    }

    /** New sessions until one lands on each of {@code names}: its returned cookie per origin name. */
    private Map<String, String> cookiesFor(String... names) throws Exception {
        final Map<String, String> cookies = new HashMap<>();
        for (int i = 0; i < 500 && cookies.size() < names.length; i++) {
            final ContentResponse r = get(null);
            cookies.putIfAbsent(servedBy(r), returned(cflb(r)));
        }
        assertThat(cookies).containsOnlyKeys(names);
        return cookies;
    }

    /**
     * A cookie pinned to {@code originName}, made by the router itself (for an origin no request can reach, so no
     * response could have set it).
     */
    private String mintedCookieFor(String originName) {
        final TestRequest fromTheClient = TestRequest.to(LB_HOST).from("127.0.0.1");
        for (int i = 0; i < 500; i++) {
            final RouteDecision.Forward f = (RouteDecision.Forward) router.route(fromTheClient);
            f.complete(Outcome.CANCELLED, 0, 0);
            if (f.originName().equals(originName)) {
                for (Map.Entry<String, String> h : f.responseHeaders()) {
                    if (h.getKey().equalsIgnoreCase("Set-Cookie")) {
                        return returned(h.getValue());
                    }
                }
            }
        }
        throw new AssertionError("never steered to " + originName);
    }

    // ---- the cookie ------------------------------------------------------------------------------------------

    @Test
    void theFirstResponseSetsTheCookieWithTheSpecAttributes() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final Pool p = pool("p", "random", origin(a, 1));
        start(config(affinityLb("cookie", SessionAffinityAttributes.DEFAULT, p), p));

        final ContentResponse response = get(null);

        assertThat(servedBy(response)).isEqualTo("a");
        final String expires = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
                .withZone(ZoneOffset.UTC).format(START.plusSeconds(82_800));
        assertThat(cflb(response)).matches("__cflb=[A-Za-z0-9_-]{64}; Path=/; Expires=" + expires
                + "; HttpOnly; SameSite=Lax");
        assertThat(response.getHeaders().getValuesList(HttpHeader.SET_COOKIE))
                .as("the origin's own cookies pass through").contains("origin=a; Path=/", "second=2; Path=/");
        assertThat(a.lastRequest().header("Cookie")).isNull();

        router.update(config(withAffinity(lb(LB_HOST, "off", null, p), "cookie", 3600,
                attributes("Strict", "Always", 0, "none", List.of(), false)), p));
        assertThat(cflb(get(null))).endsWith("; HttpOnly; SameSite=Strict; Secure")
                .contains("; Expires=Thu, 01 Jan 2026 02:00:00 GMT;");
    }

    @Test
    void aThousandRequestsWithTheCookieReachTheSameOriginAndSetNoCookie() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin c = startOrigin("c");
        final Pool p = pool("p", "random", origin(a, 1), origin(b, 1), origin(c, 1));
        start(config(affinityLb("cookie", SessionAffinityAttributes.DEFAULT, p), p));

        final ContentResponse first = get(null);
        final String pinned = servedBy(first);
        final String cookie = returned(cflb(first));
        for (int i = 0; i < 1_000; i++) {
            final ContentResponse r = get(cookie);
            assertThat(servedBy(r)).isEqualTo(pinned);
            assertThat(cflb(r)).isNull();
        }
        final LoopbackOrigin pinnedOrigin = pinned.equals("a") ? a : pinned.equals("b") ? b : c;
        assertThat(pinnedOrigin.requestCount()).isEqualTo(1_001);
        assertThat(pinnedOrigin.lastRequest().header("Cookie")).as("the cookie reaches the origin")
                .isEqualTo(cookie);
    }

    @Test
    void eachRequestOnOneConnectionFollowsItsOwnCookie() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin c = startOrigin("c");
        final Pool p = pool("p", "random", origin(a, 1), origin(b, 1), origin(c, 1));
        start(config(affinityLb("cookie", SessionAffinityAttributes.DEFAULT, p), p));
        final Map<String, String> cookies = cookiesFor("a", "b", "c");
        final List<String> order = List.of("a", "b", "c", "c", "a", "b", "b", "a", "c");

        try (RawHttpConnection connection = new RawHttpConnection(host.port())) {
            final int localPort = connection.localPort();
            for (int round = 0; round < 4; round++) {
                for (String expected : order) {
                    final RawHttpConnection.Response r = connection.get(LB_HOST, "/",
                            "Cookie: theme=dark; " + cookies.get(expected));
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("origin:" + expected);
                    assertThat(cflb(r.headers("Set-Cookie"))).isNull();
                }
                // A request without a cookie on the same connection is a new session, not the previous one's.
                final RawHttpConnection.Response fresh = connection.get(LB_HOST, "/");
                assertThat(cflb(fresh.headers("Set-Cookie"))).isNotNull();
            }
            assertThat(connection.localPort()).isEqualTo(localPort);
        }
        assertThat(a.connectionsOpened() + b.connectionsOpened() + c.connectionsOpened()).isGreaterThan(0);
    }

    @Test
    void aTamperedForeignOrExpiredCookieIsIgnoredAndReplaced() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = pool("p", "random", origin(a, 1), origin(b, 1));
        final Pool q = pool("q", "random", origin(b, 1));
        final LoadBalancer other = withAffinity(lb("other.example.test", "off", null, q), "cookie", null,
                SessionAffinityAttributes.DEFAULT);
        start(config(List.of(affinityLb("cookie", SessionAffinityAttributes.DEFAULT, p), other), p, q));
        final String cookie = returned(cflb(get(null)));

        final int at = "__cflb=".length() + 30;
        final String flipped = cookie.substring(0, at) + (cookie.charAt(at) == 'x' ? 'y' : 'x')
                + cookie.substring(at + 1);
        assertThat(cflb(get(flipped))).isNotNull().isNotEqualTo(cookie);
        assertThat(cflb(get("__cflb=" + "A".repeat(64)))).isNotNull();
        assertThat(cflb(get("__cflb=not-a-token"))).isNotNull();

        final ContentResponse fromOther = ClientProtocol.request(client, host.port(), "other.example.test").path("/")
                .send();
        assertThat(cflb(get(returned(cflb(fromOther))))).as("another load balancer's cookie").isNotNull();

        assertThat(cflb(get(cookie))).as("still valid").isNull();
        clock.advance(Duration.ofHours(23));
        assertThat(cflb(get(cookie))).as("expired").isNotNull();
    }

    // ---- pins that break ---------------------------------------------------------------------------------------

    @Test
    void aPinToAnOriginTheMonitorsCallDownIsReSteered() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Origin oa = origin(a, 1);
        final Origin ob = origin(b, 1);
        final Pool p = monitored(pool("p", "random", oa, ob));
        start(config(affinityLb("cookie", SessionAffinityAttributes.DEFAULT, p), p), health().up(p, oa).up(p, ob)
                .build());
        final String onA = cookiesFor("a", "b").get("a");

        router.update(health().down(p, oa).up(p, ob).build());
        final ContentResponse moved = get(onA);
        assertThat(servedBy(moved)).isEqualTo("b");
        final String onB = returned(cflb(moved));
        router.update(health().up(p, oa).up(p, ob).build());
        for (int i = 0; i < 20; i++) {
            assertThat(servedBy(get(onB))).isEqualTo("b");
        }
    }

    @Test
    void aDisabledOriginKeepsItsSessionsForTheDrainDurationOnly() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Origin oa = origin(a, 1);
        final Pool p = pool("p", "random", oa, origin(b, 1));
        final SessionAffinityAttributes drain = attributes(60, "none");
        start(config(affinityLb("cookie", drain, p), p));
        final String onA = cookiesFor("a", "b").get("a");

        router.update(config(affinityLb("cookie", drain, p), withOrigins(p, disabled(oa, clock.instant()
                .minusSeconds(10)), origin(b, 1))));
        for (int i = 0; i < 20; i++) {
            final ContentResponse pinned = get(onA);
            assertThat(servedBy(pinned)).isEqualTo("a");
            assertThat(cflb(pinned)).isNull();
            assertThat(servedBy(get(null))).as("no new session goes to a draining origin").isEqualTo("b");
        }
        clock.advance(Duration.ofSeconds(50));
        final ContentResponse after = get(onA);
        assertThat(servedBy(after)).isEqualTo("b");
        assertThat(cflb(after)).isNotNull();
    }

    @Test
    void aPinToADeletedOriginIsReSteered() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = pool("p", "random", origin(a, 1), origin(b, 1));
        start(config(affinityLb("cookie", SessionAffinityAttributes.DEFAULT, p), p));
        final String onA = cookiesFor("a", "b").get("a");

        final Pool withoutA = withOrigins(p, origin(b, 1));
        router.update(config(affinityLb("cookie", SessionAffinityAttributes.DEFAULT, withoutA), withoutA));
        final int before = a.requestCount();
        final ContentResponse moved = get(onA);
        assertThat(servedBy(moved)).isEqualTo("b");
        assertThat(cflb(moved)).isNotNull();
        assertThat(a.requestCount()).isEqualTo(before);
    }

    // ---- zero-downtime failover with a refused origin ------------------------------------------------------

    private Pool liveAndRefused(LoopbackOrigin live) throws Exception {
        return pool("p", "random", origin(live, 1), origin("dead", refusedPort(), 1));
    }

    @Test
    void noneAnswersAPinnedRequestWith521() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = liveAndRefused(b);
        start(config(affinityLb("cookie", attributes(0, "none"), p), p));
        final String onDead = mintedCookieFor("dead");

        final ContentResponse response = get(onDead);

        assertThat(response.getStatus()).isEqualTo(521);
        assertThat(cflb(response)).isNull();
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertThat(b.requestCount()).isZero();
    }

    @Test
    void temporaryServesElsewhereAndKeepsThePin() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = liveAndRefused(b);
        start(config(affinityLb("cookie", attributes(0, "temporary"), p), p));
        final String onDead = mintedCookieFor("dead");

        for (int i = 0; i < 5; i++) {
            final ContentResponse response = get(onDead);
            assertThat(servedBy(response)).isEqualTo("b");
            assertThat(cflb(response)).as("the pin is kept").isNull();
        }
    }

    @Test
    void stickyRepinsToTheOriginThatServed() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = liveAndRefused(b);
        start(config(affinityLb("cookie", attributes(0, "sticky"), p), p));
        final String onDead = mintedCookieFor("dead");

        final ContentResponse response = get(onDead);
        assertThat(servedBy(response)).isEqualTo("b");
        final String onB = returned(cflb(response));
        final int before = b.requestCount();
        for (int i = 0; i < 5; i++) {
            final ContentResponse again = get(onB);
            assertThat(servedBy(again)).isEqualTo("b");
            assertThat(cflb(again)).isNull();
        }
        assertThat(b.requestCount()).isEqualTo(before + 5);
    }

    @Test
    void aNewSessionIsNeverPinnedToTheOriginThatFailed() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = liveAndRefused(b);
        start(config(affinityLb("cookie", attributes(0, "none"), p), p));

        for (int i = 0; i < 30; i++) {
            final ContentResponse first = get(null);
            assertThat(servedBy(first)).isEqualTo("b");
            final ContentResponse again = get(returned(cflb(first)));
            assertThat(servedBy(again)).isEqualTo("b");
            assertThat(cflb(again)).isNull();
        }
    }

    // ---- header affinity ---------------------------------------------------------------------------------------

    @Test
    void headerAffinityPinsByTheListedHeadersOnly() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin c = startOrigin("c");
        final Pool p = pool("p", "random", origin(a, 1), origin(b, 1), origin(c, 1));
        start(config(affinityLb("header", headers(true, "X-User", "cookie:sid"), p), p));

        final String pinned = servedBy(get("sid=s1; theme=dark", "X-User", "alice"));
        for (int i = 0; i < 50; i++) {
            final ContentResponse r = get("theme=" + i + "; sid=s1", "X-User", "alice", "X-Other", "x" + i);
            assertThat(servedBy(r)).isEqualTo(pinned);
            assertThat(cflb(r)).as("header sessions set no cookie").isNull();
        }
        // Partial headers with require_all_headers: no session, so steering spreads them.
        final Set<String> partial = new HashSet<>();
        final Set<String> none = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            partial.add(servedBy(get(null, "X-User", "alice")));
            none.add(servedBy(get("theme=dark")));
        }
        assertThat(partial).hasSizeGreaterThan(1);
        assertThat(none).hasSizeGreaterThan(1);
        assertThat(router.headerSessions().size()).isEqualTo(1);
    }

    @Test
    void headerAffinityWithAnyHeaderKeepsEachSessionApart() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin c = startOrigin("c");
        final Pool p = pool("p", "random", origin(a, 1), origin(b, 1), origin(c, 1));
        start(config(affinityLb("header", headers(false, "X-User", "X-Tenant"), p), p));

        final Map<String, String> pinned = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            for (int user = 0; user < 20; user++) {
                final String name = user % 2 == 0 ? "X-User" : "X-Tenant";
                final String origin = servedBy(get(null, name, "id-" + user));
                assertThat(pinned.computeIfAbsent(name + user, k -> origin)).as("session %d", user)
                        .isEqualTo(origin);
            }
        }
        assertThat(new HashSet<>(pinned.values())).hasSizeGreaterThan(1);
        assertThat(router.headerSessions().size()).isEqualTo(20);
    }
}
