package dev.fulcrum.routing;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.routing.RouteDecision.Forward;
import dev.fulcrum.routing.RouteDecision.Respond;
import dev.fulcrum.testing.TestRequest;
import dev.fulcrum.upstream.OriginRequestHeaders;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.fulcrum.routing.Fixtures.health;
import static dev.fulcrum.routing.Fixtures.monitored;
import static dev.fulcrum.routing.Fixtures.origin;
import static dev.fulcrum.routing.Fixtures.pool;
import static dev.fulcrum.routing.Fixtures.with;
import static dev.fulcrum.routing.Fixtures.withHost;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static org.assertj.core.api.Assertions.assertThat;

/** What a Forward carries (target, Host, headers), loop refusal, counters and the failover rules (spec §8.1, §8.3). */
class ForwardDecisionTest {

    private static final String HOST = "www.example.com";

    private final Origin a1 = origin("a1", "10.0.1.1", 8080, 1);
    private final Origin a2 = origin("a2", "10.0.1.2", 8080, 1);
    private final Origin b1 = origin("b1", "10.0.2.1", 8080, 1);
    private final Origin f1 = origin("f1", "10.0.9.1", 8080, 1);
    private final Pool a = pool("pool-a", a1, a2);
    private final Pool b = pool("pool-b", b1);
    private final Pool fallback = pool("pool-f", f1);

    private final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT.withColo("AMS"));

    private Forward forward(RequestView request) {
        final RouteDecision decision = router.route(request);
        assertThat(decision).isInstanceOf(Forward.class);
        return (Forward) decision;
    }

    private static String header(List<Map.Entry<String, String>> headers, String name) {
        String found = null;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                assertThat(found).as("header %s set twice", name).isNull();
                found = h.getValue();
            }
        }
        return found;
    }

    @Test
    void forwardCarriesTargetIdsAndHeaders() {
        router.update(config(lb(HOST, "off", fallback, b), b, fallback));
        final Forward f = forward(TestRequest.to(HOST).from("203.0.113.7").header("Host", "www.example.com:8080"));
        assertThat(f.loadBalancerId()).isEqualTo(Fixtures.id("lb-" + HOST));
        assertThat(f.poolId()).isEqualTo(b.id());
        assertThat(f.originName()).isEqualTo("b1");
        assertThat(f.scheme()).isEqualTo("http");
        assertThat(f.address()).isEqualTo("10.0.2.1");
        assertThat(f.port()).isEqualTo(8080);
        assertThat(f.hostHeader()).isEqualTo("www.example.com:8080"); // as the client sent it, port included
        final List<Map.Entry<String, String>> h = f.requestHeaders();
        assertThat(header(h, "X-Forwarded-For")).isEqualTo("203.0.113.7");
        assertThat(header(h, "X-Forwarded-Proto")).isEqualTo("http");
        assertThat(header(h, "CF-Connecting-IP")).isEqualTo("203.0.113.7");
        assertThat(header(h, "CF-Visitor")).isEqualTo("{\"scheme\":\"http\"}");
        assertThat(header(h, "CDN-Loop")).isEqualTo("fulcrum");
        final String ray = header(h, "CF-Ray");
        assertThat(ray).matches("[0-9a-f]{16}-AMS");
        assertThat(header(f.responseHeaders(), "CF-Ray")).isEqualTo(ray);
        assertThat(f.removeRequestHeaders()).containsExactly("X-Real-IP");
    }

    @Test
    void clientForwardingHeadersAreExtendedOrOverwritten() {
        router.update(config(lb(HOST, "off", fallback, b), b, fallback));
        final Forward f = forward(TestRequest.to(HOST).from("203.0.113.7").scheme("https")
                .header("X-Forwarded-For", "198.51.100.1, 198.51.100.2")
                .header("X-Forwarded-Proto", "gopher")
                .header("CDN-Loop", "cloudflare; loops=1"));
        assertThat(header(f.requestHeaders(), "X-Forwarded-For")).isEqualTo("198.51.100.1, 198.51.100.2, 203.0.113.7");
        assertThat(header(f.requestHeaders(), "X-Forwarded-Proto")).isEqualTo("https");
        assertThat(header(f.requestHeaders(), "CF-Visitor")).isEqualTo("{\"scheme\":\"https\"}");
        assertThat(header(f.requestHeaders(), "CDN-Loop")).isEqualTo("cloudflare; loops=1, fulcrum");
        assertThat(f.hostHeader()).isEqualTo(HOST); // no Host header in the view: the view's host
    }

    @Test
    void aClientDerivedBehindAProxyIsTheConnectingIpAndAppearsOnceInTheChain() {
        router.update(config(lb(HOST, "off", fallback, b), b, fallback));
        // Derived in place (the chain still lists the client): the proxy, the peer, is what is appended.
        final Forward kept = forward(TestRequest.to(HOST).from("203.0.113.7").peer("10.0.0.5")
                .header("X-Forwarded-For", "198.51.100.1, 203.0.113.7"));
        assertThat(header(kept.requestHeaders(), "CF-Connecting-IP")).isEqualTo("203.0.113.7");
        assertThat(header(kept.requestHeaders(), "X-Forwarded-For")).isEqualTo("198.51.100.1, 203.0.113.7, 10.0.0.5");
        // Taken out of the chain by the container (Tomcat's RemoteIpValve): put back before the peer.
        final Forward consumed = forward(TestRequest.to(HOST).from("203.0.113.7").peer("10.0.0.5")
                .header("X-Forwarded-For", "198.51.100.1"));
        assertThat(header(consumed.requestHeaders(), "CF-Connecting-IP")).isEqualTo("203.0.113.7");
        assertThat(header(consumed.requestHeaders(), "X-Forwarded-For"))
                .isEqualTo("198.51.100.1, 203.0.113.7, 10.0.0.5");
    }

    @Test
    void rayIdsDifferPerRequest() {
        router.update(config(lb(HOST, "off", fallback, b), b, fallback));
        final Set<String> rays = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            rays.add(header(forward(TestRequest.to(HOST)).requestHeaders(), "CF-Ray"));
        }
        assertThat(rays).hasSize(1_000);
    }

    @Test
    void originHostOverrideWins() {
        final Pool p = pool("pool-o", withHost(a1, "app.internal.example.com"));
        router.update(config(lb(HOST, "off", fallback, p), p, fallback));
        assertThat(forward(TestRequest.to(HOST).header("Host", HOST)).hostHeader())
                .isEqualTo("app.internal.example.com");
    }

    @Test
    void schemeAndPortFollowTheOriginPort() {
        final Pool p = pool("pool-p", origin("tls", "10.5.0.1", 443, 1));
        final Pool q = pool("pool-q", origin("default", "origin.example.net", 0, 1));
        router.update(config(List.of(lb("tls.example.com", "off", fallback, p),
                lb("plain.example.com", "off", fallback, q)), p, q, fallback));
        final Forward tls = forward(TestRequest.to("tls.example.com"));
        assertThat(tls.scheme()).isEqualTo("https");
        assertThat(tls.port()).isEqualTo(443);
        final Forward plain = forward(TestRequest.to("plain.example.com").scheme("https"));
        assertThat(plain.scheme()).isEqualTo("http");
        assertThat(plain.port()).isEqualTo(80);
        assertThat(plain.address()).isEqualTo("origin.example.net");
    }

    @Test
    void requestsThatAlreadyPassedThroughUsAreRefused() {
        router.update(config(lb(HOST, "off", fallback, b), b, fallback));
        for (String loop : List.of("fulcrum", "cloudflare, fulcrum", "FULCRUM; v=1", "a,fulcrum ,b")) {
            final RouteDecision decision = router.route(TestRequest.to(HOST).header("CDN-Loop", loop));
            assertThat(decision).as(loop).isInstanceOf(Respond.class);
            final Respond r = (Respond) decision;
            assertThat(r.status()).isEqualTo(508);
            assertThat(r.body()).contains("Loop Detected");
        }
        for (String notLoop : List.of("cloudflare", "fulcrum2", "notfulcrum", "x; p=fulcrum")) {
            assertThat(router.route(TestRequest.to(HOST).header("CDN-Loop", notLoop))).as(notLoop)
                    .isInstanceOf(Forward.class);
        }
        assertThat(router.outstanding(b.id())).isEqualTo(4); // the refused ones counted nothing
    }

    @Test
    void connectAndTraceAreAnswered405AndNeverForwarded() {
        router.update(config(lb(HOST, "off", fallback, b), b, fallback));
        for (String method : List.of("CONNECT", "TRACE", "TRACK")) {
            final RouteDecision decision = router.route(TestRequest.to(HOST).method(method));
            assertThat(decision).as(method).isInstanceOf(Respond.class);
            final Respond r = (Respond) decision;
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.body()).contains(method);
            assertThat(header(r.responseHeaders(), "Allow")).isEqualTo("GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH");
            assertThat(header(r.responseHeaders(), "CF-Ray")).isNotNull();
        }
        for (String method : List.of("GET", "OPTIONS", "PROPFIND", "PATCH")) {
            assertThat(router.route(TestRequest.to(HOST).method(method))).as(method).isInstanceOf(Forward.class);
        }
        assertThat(router.outstanding(b.id())).isEqualTo(4); // the refused ones counted nothing
        assertThat(router.route(TestRequest.to("unknown.example").method("CONNECT"))).isNull();
    }

    @Test
    void headerNamesWithUnderscoresAreDroppedUnlessTheSettingKeepsThem() {
        router.update(config(lb(HOST, "off", fallback, b), b, fallback));
        final OriginRequestHeaders dropping = OriginRequestHeaders.of(forward(TestRequest.to(HOST)), List.of());
        for (String name : List.of("Transfer_Encoding", "Content_Length", "X_Forwarded_For", "_", "a_b")) {
            assertThat(dropping.copies(name)).as(name).isFalse();
        }
        assertThat(dropping.copies("X-Trace-Id")).isTrue();

        final SnapshotRouter keeping = new SnapshotRouter(RoutingSettings.DEFAULT.withUnderscoresInHeaders(true));
        keeping.update(config(lb(HOST, "off", fallback, b), b, fallback));
        final Forward kept = (Forward) keeping.route(TestRequest.to(HOST));
        assertThat(kept.forwardsUnderscoreHeaders()).isTrue();
        assertThat(OriginRequestHeaders.of(kept, List.of()).copies("X_Custom")).isTrue();
        // Hop-by-hop names stay hop-by-hop either way.
        assertThat(OriginRequestHeaders.of(kept, List.of()).copies("Transfer-Encoding")).isFalse();
        kept.complete(Outcome.RESPONDED, 200, 0);
    }

    @Test
    void failoverRetriesAnotherOriginOfTheSamePoolOnce() {
        router.update(config(lb(HOST, "off", fallback, a, b), a, b, fallback));
        for (int i = 0; i < 200; i++) {
            final Forward first = forward(TestRequest.to(HOST));
            first.complete(Outcome.CONNECT_FAILED, 0, 1);
            final Forward retry = first.failover(UpstreamFailure.CONNECTION_REFUSED);
            assertThat(retry).isNotNull();
            assertThat(retry.poolId()).isEqualTo(a.id());
            assertThat(retry.originName()).isNotEqualTo(first.originName());
            assertThat(retry.requestHeaders()).isSameAs(first.requestHeaders()); // same CF-Ray, same XFF
            assertThat(router.outstanding(a.id())).isEqualTo(1);
            retry.complete(Outcome.CONNECT_FAILED, 0, 1);
            assertThat(retry.failover(UpstreamFailure.CONNECTION_REFUSED)).isNull(); // at most one retry
            assertThat(router.outstanding(a.id())).isZero();
        }
    }

    @Test
    void onlyConnectionClassFailuresFailOver() {
        router.update(config(lb(HOST, "off", fallback, a), a, fallback));
        for (UpstreamFailure failure : UpstreamFailure.values()) {
            final Forward first = forward(TestRequest.to(HOST));
            first.complete(Outcome.CONNECT_FAILED, 0, 1);
            final Forward retry = first.failover(failure);
            assertThat(retry != null).as(failure.name()).isEqualTo(failure.failoverEligible());
            if (retry != null) {
                retry.complete(Outcome.RESPONDED, 200, 1);
            }
        }
        assertThat(UpstreamFailure.UNKNOWN_ERROR.failoverEligible()).isFalse();
        assertThat(UpstreamFailure.READ_TIMEOUT.failoverEligible()).isFalse();
        assertThat(router.outstanding(a.id())).isZero();
    }

    @Test
    void singleOriginPoolDoesNotFailOverAcrossPoolsByDefault() {
        router.update(config(lb(HOST, "off", fallback, b, a), b, a, fallback));
        final Forward first = forward(TestRequest.to(HOST));
        assertThat(first.poolId()).isEqualTo(b.id());
        first.complete(Outcome.CONNECT_FAILED, 0, 1);
        assertThat(first.failover(UpstreamFailure.CONNECT_TIMEOUT)).isNull();
    }

    @Test
    void failoverAcrossPoolsGoesToTheNextPoolInOrder() {
        final Pool c = pool("pool-c", origin("c1", "10.0.3.1", 8080, 1));
        final LoadBalancer lb = with(lb(HOST, "off", fallback, b, a, c), Fixtures.LbParts::acrossPools);
        router.update(config(lb, b, a, c, fallback));
        for (int i = 0; i < 50; i++) {
            final Forward first = forward(TestRequest.to(HOST));
            assertThat(first.poolId()).isEqualTo(b.id());
            first.complete(Outcome.CONNECT_FAILED, 0, 1);
            final Forward retry = first.failover(UpstreamFailure.UNREACHABLE);
            assertThat(retry).isNotNull();
            assertThat(retry.poolId()).isEqualTo(a.id());
            assertThat(retry.failover(UpstreamFailure.UNREACHABLE)).isNull();
            retry.complete(Outcome.RESPONDED, 200, 1);
        }
    }

    @Test
    void failoverAcrossPoolsSkipsUnusablePoolsAndNeverUsesTheFallback() {
        final Pool ma = monitored(a, 1);
        final LoadBalancer lb = with(lb(HOST, "off", fallback, b, ma), Fixtures.LbParts::acrossPools);
        router.update(config(lb, b, ma, fallback));
        router.update(health().down(ma, a1).down(ma, a2).build());
        final Forward first = forward(TestRequest.to(HOST));
        assertThat(first.poolId()).isEqualTo(b.id());
        first.complete(Outcome.CONNECT_FAILED, 0, 1);
        assertThat(first.failover(UpstreamFailure.CONNECTION_REFUSED)).isNull();
    }

    @Test
    void fallbackAttemptCanRetryInsideTheFallbackOnly() {
        final Pool ma = monitored(a, 1);
        final Pool twoOrigins = pool("pool-f", f1, origin("f2", "10.0.9.2", 8080, 1));
        final LoadBalancer lb = with(lb(HOST, "off", twoOrigins, ma), Fixtures.LbParts::acrossPools);
        router.update(config(lb, ma, twoOrigins));
        final Forward first = forward(TestRequest.to(HOST));
        assertThat(first.poolId()).isEqualTo(twoOrigins.id());
        final Forward retry = first.failover(UpstreamFailure.TLS_HANDSHAKE_FAILED);
        assertThat(retry).isNotNull();
        assertThat(retry.poolId()).isEqualTo(twoOrigins.id());
        assertThat(retry.originName()).isNotEqualTo(first.originName());
    }

    @Test
    void completeReleasesCountersExactlyOnceUnderRaces() throws InterruptedException {
        router.update(config(lb(HOST, "off", fallback, b), b, fallback));
        final Forward f = forward(TestRequest.to(HOST));
        assertThat(router.outstanding(b.id(), b1.address(), b1.port())).isEqualTo(1);
        final Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int n = 0; n < 1_000; n++) {
                    f.complete(Outcome.CANCELLED, 0, 0);
                }
            }, "complete-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(router.outstanding(b.id())).isZero();
        assertThat(router.outstanding(b.id(), b1.address(), b1.port())).isZero();
    }
}
