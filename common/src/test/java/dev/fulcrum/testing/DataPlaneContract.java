package dev.fulcrum.testing;

import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.PoolSetMatch;
import dev.fulcrum.config.FixedResponse;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static dev.fulcrum.testing.Fixtures.at;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.disabled;
import static dev.fulcrum.testing.Fixtures.health;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.monitored;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static dev.fulcrum.testing.Fixtures.withRules;
import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The data-plane behaviour every wrapper must show (spec §4.1, §8), run with the real router built from
 * configuration records, real origins on loopback ports ({@link LoopbackOrigin}) and a real pooled keep-alive
 * client. Subclasses supply the container ({@link #newHost()}).
 *
 * <p>Statistical bounds: distribution tests send {@value #BURST} requests, {@value #IN_FLIGHT} in flight. For a
 * share p the standard deviation is sqrt(p(1-p)/n) ≤ 1.2 %, so the ±5 % bounds sit beyond 4 standard deviations;
 * the least-load tests only assert that a slow candidate gets clearly less than its weight would give it.
 *
 * <p>Exactly-once feedback is checked through the router's in-flight counters, which every reported outcome
 * releases: after each burst they must be back to zero.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class DataPlaneContract extends HostContract {

    protected static final String LB_HOST = "lb.example.test";
    private static final String WARM_HOST = "warm.example.test";
    protected static final int BURST = 2000;
    protected static final int IN_FLIGHT = 8;
    private static final double BOUND = 0.05;

    // ---- plumbing ----------------------------------------------------------------------------------------------

    @Override
    protected void configureClient(HttpClient c) {
        c.setMaxConnectionsPerDestination(16);
    }

    /** Starts the host with one load balancer on {@link #LB_HOST}: one unmonitored pool holding {@code origin}. */
    /**
     * The router under test for {@code config} and {@code health}: built directly by default; a subclass feeds it
     * through a configuration store instead (e.g. a cluster's etcd), so the contract runs with that store under it.
     */
    protected SnapshotRouter router(ConfigSnapshot config, HealthSnapshot health,
                                    RoutingSettings settings) {
        return Fixtures.router(config, health, settings);
    }

    protected final SnapshotRouter router(ConfigSnapshot config, HealthSnapshot health) {
        return router(config, health, RoutingSettings.DEFAULT);
    }

    protected final SnapshotRouter router(ConfigSnapshot config) {
        return router(config, HealthSnapshot.EMPTY, RoutingSettings.DEFAULT);
    }

    protected SnapshotRouter startSingle(LoopbackOrigin origin, UpstreamSettings settings) throws Exception {
        return startPool(pool("p", "random", origin(origin, 1)), settings);
    }

    /** Starts the host with one load balancer on {@link #LB_HOST} over the unmonitored pool {@code p}. */
    private SnapshotRouter startPool(Pool p, UpstreamSettings settings) throws Exception {
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router, settings);
        return router;
    }

    protected SnapshotRouter startSingle(LoopbackOrigin origin) throws Exception {
        return startSingle(origin, UpstreamSettings.DEFAULTS);
    }

    /** Starts the host with one load balancer on {@link #LB_HOST}: a {@code hash} pool of {@code a} and {@code b}. */
    private void startHashed(LoopbackOrigin a, LoopbackOrigin b) throws Exception {
        final Pool p = pool("p", "hash", origin(a, 0.5), origin(b, 0.5));
        startHost(router(config(lb(LB_HOST, "off", null, p), p)));
    }

    protected Request request(String hostHeader, String pathAndQuery) {
        return request(client, hostHeader, pathAndQuery);
    }

    private Request request(HttpClient with, String hostHeader, String pathAndQuery) {
        return ClientProtocol.request(with, host.port(), hostHeader)
                .path(pathAndQuery)
                .timeout(30, TimeUnit.SECONDS);
    }

    /**
     * The Host the origin gets for a request to {@code host}: as the client sent it; over HTTP/2 that is the
     * {@code :authority}, which has the port.
     */
    protected String sentHost(String host) {
        return clientProtocol().http2() ? host + ':' + this.host.port() : host;
    }

    protected ContentResponse get(String hostHeader, String pathAndQuery) throws Exception {
        return request(hostHeader, pathAndQuery).send();
    }

    protected ContentResponse get(String hostHeader, String pathAndQuery, Consumer<HttpFields.Mutable> headers)
            throws Exception {
        return request(hostHeader, pathAndQuery).headers(headers).send();
    }

    /** A body of unknown length: the client sends it chunked. */
    protected Request.Content chunked(byte[] body) {
        return new InputStreamRequestContent("application/octet-stream", new ByteArrayInputStream(body),
                new ByteBufferPool.Sized(client.getByteBufferPool()));
    }

    protected Load.Result burst() throws InterruptedException {
        return Load.run(client, host.port(), LB_HOST, "/", BURST, IN_FLIGHT);
    }

    /** Every reported outcome released its in-flight count: nothing is left outstanding on any pool. */
    protected static void assertAllReported(SnapshotRouter router, Pool... pools) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Pool p : pools) {
                assertThat(router.outstanding(p.id())).as("requests outstanding on " + p.name()).isZero();
            }
        });
    }

    // ---- forwarding basics -------------------------------------------------------------------------------------

    @Test
    void forwardsMethodPathAndQueryToTheOrigin() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final ContentResponse response = get(LB_HOST, "/some/path%20x?q=a%20b&r=c+d&s=%2F");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("origin:a");
        final LoopbackOrigin.Seen seen = a.lastRequest();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.path()).isEqualTo("/some/path%20x");
        assertThat(seen.query()).isEqualTo("q=a%20b&r=c+d&s=%2F");
        if (host.hasOwnApplication()) {
            assertThat(host.ownApplicationRequests()).as("a forwarded request never passes down").isZero();
        }
    }

    @Test
    void answersExpectContinueItselfAndForwardsTheBody() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final byte[] body = "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8);
        final ContentResponse response = request(LB_HOST, "/json").method("PUT")
                .headers(h -> h.put(HttpHeader.EXPECT, "100-continue"))
                .body(new BytesRequestContent("application/json", body)).send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(a.lastRequest().method()).isEqualTo("PUT");
        assertThat(a.lastRequest().body()).isEqualTo(body);
        assertThat(a.lastRequest().header("Expect")).isNull();
    }

    @Test
    void matchesTheHostCaseInsensitivelyAndIgnoresThePort() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final ContentResponse response = get("LB.Example.TEST:" + host.port(), "/");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(a.requestCount()).isEqualTo(1);
    }

    @Test
    void anUnknownHostNeverReachesAnyOrigin() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final ContentResponse response = get("other.example.test", "/anything");

        assertThat(a.requestCount()).isZero();
        if (host.hasOwnApplication()) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).isEqualTo(host.ownApplicationBody());
            assertThat(host.ownApplicationRequests()).isEqualTo(1);
        } else {
            assertThat(response.getStatus()).isEqualTo(404);
        }
    }

    @Test
    void streamsLargeResponsesIntact() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final int size = 3 * 1024 * 1024 + 17;
        final ContentResponse response = new CompletableResponseListener(request(LB_HOST, "/big?size=" + size),
                8 * 1024 * 1024).send().get(30, TimeUnit.SECONDS);

        assertThat(response.getStatus()).isEqualTo(200);
        final byte[] body = response.getContent();
        assertThat(body).hasSize(size);
        for (int i = 0; i < size; i += 4099) {
            assertThat(body[i]).isEqualTo((byte) ('a' + i % 26));
        }
    }

    @Test
    void aClientLeavingMidResponseIsStillReportedOnce() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final Pool p = pool("p", "random", origin(a, 1));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router);

        final CompletableFuture<Throwable> aborted = new CompletableFuture<>();
        final Request big = request(LB_HOST, "/big?size=" + 64 * 1024 * 1024);
        big.onResponseContent((response, content) -> big.abort(new IOException("client leaves")))
                .send(result -> aborted.complete(result.getFailure()));

        assertThat(aborted.get(30, TimeUnit.SECONDS)).hasMessage("client leaves");
        assertAllReported(router, p);
    }

    @Test
    void passesOriginStatusesThroughAndReportsThem() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final Pool p = pool("p", "random", origin(a, 1));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router);

        final ContentResponse response = get(LB_HOST, "/?status=503");

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentAsString()).isEqualTo("origin:a");
        assertAllReported(router, p);
    }

    @Test
    void streamsALargeChunkedBodyToTheOrigin() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a, UpstreamSettings.DEFAULTS.withReplayBufferBytes(1024));

        final byte[] body = new byte[1024 * 1024 + 3];
        Arrays.fill(body, (byte) 'z');
        final ContentResponse response = request(LB_HOST, "/upload").method("POST").body(chunked(body)).send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(a.lastRequest().body()).isEqualTo(body);
        assertThat(a.lastRequest().header("Content-Length")).as("streamed, not buffered").isNull();
    }

    // ---- headers (spec §8.1) -----------------------------------------------------------------------------------

    @Test
    void setsForwardingHeadersAndDropsHopByHopOnesTowardTheOrigin() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final ContentResponse response = get(LB_HOST, "/", h -> {
            h.put("X-Forwarded-For", "203.0.113.9");
            h.put("X-Forwarded-Proto", "https");
            h.put("CF-Connecting-IP", "198.51.100.1");
            h.put("CF-Ray", "ffffffffffffffff-EVL");
            h.put("X-Real-IP", "198.51.100.2");
            h.put("CDN-Loop", "cloudflare");
            h.put("Connection", "X-Client-Hop");
            h.put("X-Client-Hop", "secret");
            h.put("Keep-Alive", "timeout=300");
            h.put("Proxy-Authorization", "Basic Zm9vOmJhcg==");
            h.put("Proxy-Connection", "keep-alive");
            h.put("TE", "trailers");
            h.put("X-Custom", "kept");
            h.add("X-Multi", "one");
            h.add("X-Multi", "two");
        });

        assertThat(response.getStatus()).isEqualTo(200);
        final LoopbackOrigin.Seen seen = a.lastRequest();
        assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(seen.headerValues("X-Forwarded-Proto")).containsExactly("http");
        assertThat(seen.headerValues("CF-Connecting-IP")).containsExactly("127.0.0.1");
        assertThat(seen.header("CF-Visitor")).isEqualTo("{\"scheme\":\"http\"}");
        assertThat(seen.header("CDN-Loop")).isEqualTo("cloudflare, fulcrum");
        assertThat(seen.header("X-Real-IP")).isNull();
        assertThat(seen.header("X-Client-Hop")).isNull();
        assertThat(seen.header("Keep-Alive")).isNull();
        assertThat(seen.header("Proxy-Authorization")).isNull();
        assertThat(seen.header("Proxy-Connection")).isNull();
        assertThat(seen.header("TE")).isNull();
        assertThat(seen.header("Connection")).isNull();
        assertThat(seen.header("X-Custom")).isEqualTo("kept");
        assertThat(String.join(",", seen.headerValues("X-Multi")).replace(" ", "")).isEqualTo("one,two");
        assertThat(seen.header("Host")).isEqualTo(sentHost(LB_HOST));
        final String ray = seen.header("CF-Ray");
        assertThat(ray).matches("[0-9a-f]{16}-[A-Z0-9]+").isNotEqualTo("ffffffffffffffff-EVL");
        assertThat(seen.headerValues("CF-Ray")).hasSize(1);
        assertThat(response.getHeaders().get("CF-Ray")).isEqualTo(ray);
    }

    @Test
    void severalForwardedForFieldsBecomeOneChainEndingWithThePeer() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        assertThat(get(LB_HOST, "/", h -> {
            h.add("X-Forwarded-For", "192.0.2.1");
            h.add("X-Forwarded-For", "192.0.2.2, 192.0.2.3");
        }).getStatus()).isEqualTo(200);
        assertThat(a.lastRequest().headerValues("X-Forwarded-For"))
                .containsExactly("192.0.2.1, 192.0.2.2, 192.0.2.3, 127.0.0.1");
    }

    @Test
    void aForgedForwardedForMovesNeitherTheConnectingIpNorTheHash() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        startHashed(a, b);

        // Thirty claimed clients from one connection: hashed on the claims, they would spread over both origins.
        for (int i = 1; i <= 30; i++) {
            final String forged = "203.0.113." + i;
            assertThat(get(LB_HOST, "/", h -> h.put("X-Forwarded-For", forged)).getStatus()).isEqualTo(200);
        }
        final LoopbackOrigin used = a.requestCount() > 0 ? a : b;
        assertThat(used.requestCount()).as("every request on the connecting address's origin").isEqualTo(30);
        assertThat(used.lastRequest().headerValues("CF-Connecting-IP")).containsExactly("127.0.0.1");
        assertThat(used.lastRequest().header("X-Forwarded-For")).isEqualTo("203.0.113.30, 127.0.0.1");
    }

    @Test
    void sendsTheClientsHostOrTheOriginsOverride() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool plain = pool("plain", "random", origin(a, 1));
        final Pool overridden = pool("overridden", "random", Fixtures.withHost(origin(b, 1), "app.internal.test"));
        startHost(router(config(List.of(lb(LB_HOST, "off", null, plain),
                lb("override.example.test", "off", null, overridden)), plain, overridden)));

        get(LB_HOST + ":" + host.port(), "/");
        get("override.example.test", "/");

        assertThat(a.lastRequest().header("Host")).isEqualTo(LB_HOST + ":" + host.port());
        assertThat(b.lastRequest().header("Host")).isEqualTo("app.internal.test");
    }

    @Test
    void dropsHopByHopAndAccelHeadersFromResponses() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final ContentResponse response = get(LB_HOST, "/?hop=1");

        final HttpFields headers = response.getHeaders();
        assertThat(headers.get("X-Kept")).isEqualTo("kept");
        assertThat(headers.get("X-Origin-Hop")).isNull();
        assertThat(headers.get("Keep-Alive")).isNull();
        assertThat(headers.get("Proxy-Authenticate")).isNull();
        assertThat(headers.get("X-Accel-Buffering")).isNull();
        assertThat(headers.get("X-Accel-Charset")).isNull();
        assertThat(headers.get("X-Accel-Limit-Rate")).isNull();
        assertThat(headers.get("X-Accel-Redirect")).isNull();
        assertThat(headers.getValuesList(HttpHeader.SET_COOKIE)).contains("origin=a; Path=/", "second=2; Path=/");
        assertThat(headers.get("CF-Ray")).isNotBlank();
        // The origin (a Jetty) sends Date and Server: they replace the container's own, and are not doubled.
        assertThat(headers.getValuesList(HttpHeader.DATE)).hasSize(1);
        assertThat(headers.getValuesList(HttpHeader.SERVER)).hasSize(1);
    }

    @Test
    void refusesARequestThatAlreadyPassedThroughUs() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final ContentResponse response = get(LB_HOST, "/", h -> h.put("CDN-Loop", "cloudflare, fulcrum"));

        assertThat(response.getStatus()).isEqualTo(508);
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertThat(a.requestCount()).isZero();
    }

    // ---- custom rules (spec §6) ---------------------------------------------------------------------------------

    @Test
    void rulesAnswerFixedResponsesAndMoveMatchingRequestsToOtherPools() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool pa = pool("pa", "random", origin(a, 1));
        final Pool pb = pool("pb", "random", origin(b, 1));
        final RuleOverrides toB = new RuleOverrides(null, null, List.of(pb.id()), null, null, null, null, null, null,
                null, null, null, null, null, null, null);
        final List<Rule> rules = List.of(
                new Rule("moved", "http.request.uri.path eq \"/old\"", false, 0, true,
                        new FixedResponse(301, "text/plain", "https://new.example.test/", "moved"), null),
                new Rule("beta", "ip.src in {127.0.0.0/8 ::1} and http.request.version eq \""
                        + (clientProtocol().http2() ? "HTTP/2" : "HTTP/1.1") + "\" and ("
                        + "any(http.request.headers[\"x-route\"][*] eq \"b\") or http.request.uri.args[\"pool\"][0] "
                        + "eq \"b\" or http.cookie contains \"beta=1\" or lower(http.request.method) eq \"put\")",
                        false, 1, false, null, toB));
        startHost(router(config(withRules(lb(LB_HOST, "off", pa, pa), rules), pa, pb)));

        final ContentResponse moved = get(LB_HOST, "/old");
        assertThat(moved.getStatus()).isEqualTo(301);
        assertThat(moved.getHeaders().get(HttpHeader.LOCATION)).isEqualTo("https://new.example.test/");
        assertThat(moved.getHeaders().get(HttpHeader.CONTENT_TYPE)).startsWith("text/plain");
        assertThat(moved.getContentAsString()).isEqualTo("moved");
        assertThat(moved.getHeaders().get("CF-Ray")).isNotBlank();
        assertThat(a.requestCount() + b.requestCount()).as("a fixed response reaches no origin").isZero();
        if (host.hasOwnApplication()) {
            assertThat(host.ownApplicationRequests()).isZero();
        }

        assertThat(get(LB_HOST, "/").getContentAsString()).isEqualTo("origin:a");
        assertThat(get(LB_HOST, "/", h -> h.put("X-Route", "b")).getContentAsString()).isEqualTo("origin:b");
        assertThat(get(LB_HOST, "/", h -> h.add("X-Route", "x").add("X-Route", "b")).getContentAsString())
                .as("every value of a repeated header").isEqualTo("origin:b");
        assertThat(get(LB_HOST, "/", h -> h.put("X-Route", "c")).getContentAsString()).isEqualTo("origin:a");
        assertThat(get(LB_HOST, "/x?q=1&pool=b").getContentAsString()).isEqualTo("origin:b");
        assertThat(get(LB_HOST, "/", h -> h.put(HttpHeader.COOKIE, "theme=dark; beta=1")).getContentAsString())
                .isEqualTo("origin:b");
        assertThat(request(LB_HOST, "/").method("PUT").send().getContentAsString()).isEqualTo("origin:b");
        assertThat(a.requestCount()).isEqualTo(2);
        assertThat(b.requestCount()).isEqualTo(5);
    }

    @Test
    void ruleOverridePoolsAndWeightsServeMatchingRequests() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin c = startOrigin("c");
        final Origin oc = origin(c, 1);
        final Pool pa = pool("pa", "random", origin(a, 1));
        final Pool pb = pool("pb", "random", origin(b, 1));
        final Pool pc = monitored(pool("pc", "random", oc));
        // /new: the pools c then b, in failover order (c is down); X-Canary: a weight 0 keeps a out of a random pick.
        final RuleOverrides flat = new RuleOverrides(null, null, null, null, null, null, null, null, null, null, null,
                null, null, List.of(pc.id(), pb.id()), null, null);
        final RuleOverrides weighted = new RuleOverrides(null, null, null, null, null, null, null, null, null, null,
                null, "random", null, List.of(pa.id(), pb.id()), Map.of(pb.id(), 1.0), 0.0);
        final List<Rule> rules = List.of(new Rule("new", "http.request.uri.path eq \"/new\"", false, 0, false, null,
                flat), new Rule("canary", "any(http.request.headers[\"x-canary\"][*] eq \"1\")", false, 1, false,
                null, weighted));
        startHost(router(config(withRules(lb(LB_HOST, "off", pa, pa), rules), pa, pb, pc),
                health().down(pc, oc).build()));

        final Load.Result moved = Load.run(client, host.port(), LB_HOST, "/new", 50, IN_FLIGHT);
        final Load.Result canary = Load.run(client, host.port(), LB_HOST, "/", 50, IN_FLIGHT,
                r -> r.headers(h -> h.put("X-Canary", "1")));
        final Load.Result rest = Load.run(client, host.port(), LB_HOST, "/", 50, IN_FLIGHT);

        assertThat(moved.failures() + canary.failures() + rest.failures()).isZero();
        assertThat(moved.byOrigin()).containsOnlyKeys("b");
        assertThat(canary.byOrigin()).containsOnlyKeys("b");
        assertThat(rest.byOrigin()).containsOnlyKeys("a");
        assertThat(c.requestCount()).isZero();
    }

    // ---- fallback, failover order, 530 (spec §4.2, §4.5) --------------------------------------------------------

    @Test
    void failoverOrderSkipsAnUnhealthyFirstPool() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin c = startOrigin("c");
        final Origin oa = origin(a, 1);
        final Origin ob = origin(b, 1);
        final Pool first = monitored(pool("first", "random", oa));
        final Pool second = monitored(pool("second", "random", ob));
        final Pool third = pool("third", "random", origin(c, 1));
        final HealthSnapshot health = health().down(first, oa).up(second, ob).build();
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", third, first, second), first,
                second, third), health);
        startHost(router);

        final Load.Result result = Load.run(client, host.port(), LB_HOST, "/", 200, IN_FLIGHT);

        assertThat(result.failures()).isZero();
        assertThat(result.byOrigin()).containsOnlyKeys("b");
        assertThat(a.requestCount() + c.requestCount()).isZero();
    }

    @Test
    void usesTheFallbackPoolWhenNoDefaultPoolIsUsable() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin f = startOrigin("f");
        final Origin oa = origin(a, 1);
        final Origin of = origin(f, 1);
        final Pool first = monitored(pool("first", "random", oa));
        // The fallback's own health is ignored (spec §4.5): it is monitored and down, yet it serves.
        final Pool fallback = monitored(pool("fallback", "random", of));
        final HealthSnapshot health = health().down(first, oa).down(fallback, of).build();
        startHost(router(config(lb(LB_HOST, "random", fallback, first), first, fallback), health));

        final Load.Result result = Load.run(client, host.port(), LB_HOST, "/", 200, IN_FLIGHT);

        assertThat(result.failures()).isZero();
        assertThat(result.byOrigin()).containsOnlyKeys("f");
    }

    @Test
    void answers530With1016WhenNothingIsUsable() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin f = startOrigin("f");
        final Origin oa = origin(a, 1);
        final Pool first = monitored(pool("first", "random", oa));
        final Pool fallback = disabled(pool("fallback", "random", origin(f, 1)));
        startHost(router(config(lb(LB_HOST, "off", fallback, first), first, fallback),
                health().down(first, oa).build()));

        final ContentResponse response = get(LB_HOST, "/");

        assertThat(response.getStatus()).isEqualTo(530);
        assertThat(response.getContentAsString()).contains("1016");
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertThat(a.requestCount() + f.requestCount()).isZero();
        if (host.hasOwnApplication()) {
            assertThat(host.ownApplicationRequests()).isZero();
        }
    }

    // ---- pool steering (spec §4.2) -----------------------------------------------------------------------------

    @Test
    void offSendsEverythingToTheFirstPool() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool pa = pool("pa", "random", origin(a, 1));
        final Pool pb = pool("pb", "random", origin(b, 1));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", pb, pa, pb), pa, pb));
        startHost(router);

        final Load.Result result = burst();

        assertThat(result.failures()).isZero();
        assertThat(result.count("a")).isEqualTo(BURST);
        assertAllReported(router, pa, pb);
    }

    @Test
    void randomSplitsByPoolWeights() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool pa = pool("pa", "random", origin(a, 1));
        final Pool pb = pool("pb", "random", origin(b, 1));
        final RandomSteering weights = new RandomSteering(1.0, Map.of(pa.id(), 0.3, pb.id(), 0.1));
        final SnapshotRouter router = router(config(lb(LB_HOST, "random", weights, AdaptiveRouting.DEFAULT,
                pb, pa, pb), pa, pb));
        startHost(router);

        final Load.Result result = burst();

        assertThat(result.failures()).isZero();
        assertThat(result.share("a")).isCloseTo(0.75, within(BOUND));
        assertThat(result.share("b")).isCloseTo(0.25, within(BOUND));
        assertAllReported(router, pa, pb);
    }

    @Test
    void geoUsesTheNodesRegionPools() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool pa = pool("pa", "random", origin(a, 1));
        final Pool pb = pool("pb", "random", origin(b, 1));
        final LoadBalancer geo = Fixtures.withRegionPools(lb(LB_HOST, "geo", pa, pa),
                Map.of("WEU", List.of(pb.id())));
        // A node in Frankfurt: Germany belongs to WEU.
        final SnapshotRouter router = router(config(geo, pa, pb), HealthSnapshot.EMPTY,
                RoutingSettings.of("FRA", "DE", 50.11, 8.68));
        startHost(router);

        final Load.Result result = burst();

        assertThat(result.failures()).isZero();
        assertThat(result.count("b")).isEqualTo(BURST);
    }

    @Test
    void poolSetsMatchTheNodesLocationAndTheRulesRunOnTop() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool pa = pool("pa", "random", origin(a, 1));
        final Pool pb = pool("pb", "random", origin(b, 1));
        final RuleOverrides toA = new RuleOverrides(null, null, null, null, null, null, null, null, null, null, null,
                null, null, List.of(pa.id()), null, null);
        final RuleOverrides toB = new RuleOverrides(null, null, null, null, null, null, null, null, null, null, null,
                null, null, List.of(pb.id()), null, null);
        final LoadBalancer lb = Fixtures.withPoolSets(withRules(lb(LB_HOST, "off", pa, pa), List.of(
                new Rule("a", "http.request.uri.path eq \"/a\"", false, 0, false, null, toA))), List.of(
                new PoolSet("us", false, new PoolSetMatch(false, null, List.of("US"), null), null,
                        new FixedResponse(503, "text/plain", null, "not here")),
                new PoolSet("weu", false, new PoolSetMatch(false, List.of("FRA"), null, List.of("WEU")), toB, null)));
        // A node in Frankfurt: the US set does not match, the WEU set does.
        startHost(router(config(lb, pa, pb), HealthSnapshot.EMPTY,
                RoutingSettings.of("FRA", "DE", 50.11, 8.68)));

        assertThat(get(LB_HOST, "/").getContentAsString()).isEqualTo("origin:b");
        assertThat(get(LB_HOST, "/a").getContentAsString()).as("a rule overrides the set").isEqualTo("origin:a");
        assertThat(a.requestCount()).isEqualTo(1);
        assertThat(b.requestCount()).isEqualTo(1);
    }

    @Test
    void proximityPrefersTheNearestPool() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool sydney = at(pool("sydney", "random", origin(a, 1)), -33.87, 151.21);
        final Pool paris = at(pool("paris", "random", origin(b, 1)), 48.86, 2.35);
        final SnapshotRouter router = router(config(lb(LB_HOST, "proximity", sydney, sydney, paris),
                sydney, paris), HealthSnapshot.EMPTY, RoutingSettings.of("FRA", "DE", 50.11, 8.68));
        startHost(router);

        final Load.Result result = burst();

        assertThat(result.failures()).isZero();
        assertThat(result.count("b")).isEqualTo(BURST);
    }

    @Test
    void dynamicLatencyPrefersTheFastestPool() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Origin oa = origin(a, 1);
        final Origin ob = origin(b, 1);
        final Pool slow = monitored(pool("slow", "random", oa));
        final Pool fast = monitored(pool("fast", "random", ob));
        final SnapshotRouter router = router(config(lb(LB_HOST, "dynamic_latency", slow, slow, fast),
                slow, fast), health().up(slow, oa, 80).up(fast, ob, 5).build());
        startHost(router);

        final Load.Result result = burst();

        assertThat(result.failures()).isZero();
        assertThat(result.count("b")).isEqualTo(BURST);
    }

    @Test
    void leastOutstandingRequestsShiftsLoadAwayFromASlowPool() throws Exception {
        assertSlowPoolGetsLess("least_outstanding_requests");
    }

    @Test
    void leastConnectionsShiftsLoadAwayFromAPoolWithMoreOpenConnections() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool pa = pool("pa", "random", origin(a, 1));
        final Pool pb = pool("pb", "random", origin(b, 1));
        final Pool warm = pool("warm", "random", origin(a, 1));
        final SnapshotRouter router = router(config(List.of(lb(LB_HOST, "least_connections", pb, pa, pb),
                lb(WARM_HOST, "off", null, warm)), pa, pb, warm));
        startHost(router);

        assertBusyConnectionsGetLess(router, a, b);
    }

    /**
     * A slow pool holds more requests in flight: with 8 in flight it scores about 1/(1+7) against 1/(1+1), so it
     * gets far less than the 50 % that equal weights would give.
     */
    private void assertSlowPoolGetsLess(String policy) throws Exception {
        final LoopbackOrigin a = startOrigin("a").delay(Duration.ofMillis(20));
        final LoopbackOrigin b = startOrigin("b");
        final Pool slow = pool("slow", "random", origin(a, 1));
        final Pool fast = pool("fast", "random", origin(b, 1));
        final SnapshotRouter router = router(config(lb(LB_HOST, policy, fast, slow, fast), slow, fast));
        startHost(router);

        final Load.Result result = burst();

        assertThat(result.failures()).isZero();
        assertThat(result.share("a")).as(result.byOrigin().toString()).isLessThan(0.4);
        assertThat(result.count("a")).isPositive();
        assertAllReported(router, slow, fast);
    }

    // ---- origin steering (spec §4.4) ---------------------------------------------------------------------------

    @Test
    void randomOriginSteeringSplitsByOriginWeights() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin c = startOrigin("c");
        final Pool p = pool("p", "random", origin(a, 0.25), origin(b, 0.25), origin(c, 0.5));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router);

        final Load.Result result = burst();

        assertThat(result.failures()).isZero();
        assertThat(result.share("a")).isCloseTo(0.25, within(BOUND));
        assertThat(result.share("b")).isCloseTo(0.25, within(BOUND));
        assertThat(result.share("c")).isCloseTo(0.5, within(BOUND));
        assertAllReported(router, p);
    }

    @Test
    void hashOriginSteeringPinsEachClientAddress() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        startHashed(a, b);

        // Twenty client addresses (127.0.0.2-21 all reach the loopback listener), 100 requests each.
        final Set<String> used = new HashSet<>();
        for (int i = 2; i < 22; i++) {
            final HttpClient bound = newClient("127.0.0." + i);
            try {
                final Load.Result result = Load.run(bound, host.port(), LB_HOST, "/", BURST / 20, IN_FLIGHT);
                assertThat(result.failures()).isZero();
                assertThat(result.byOrigin()).as("client 127.0.0." + i).hasSize(1);
                used.addAll(result.byOrigin().keySet());
            } finally {
                bound.stop();
            }
        }
        assertThat(used).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void leastOutstandingOriginSteeringShiftsLoadAwayFromASlowOrigin() throws Exception {
        assertSlowOriginGetsLess("least_outstanding_requests");
    }

    @Test
    void leastConnectionsOriginSteeringShiftsLoadAwayFromAnOriginWithMoreOpenConnections() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = pool("p", "least_connections", origin(a, 0.5), origin(b, 0.5));
        final Pool warm = pool("warm", "random", origin(a, 1));
        final SnapshotRouter router = router(config(List.of(lb(LB_HOST, "off", null, p),
                lb(WARM_HOST, "off", null, warm)), p, warm));
        startHost(router);

        assertBusyConnectionsGetLess(router, a, b);
    }

    /**
     * Opens 8 connections to {@code a} through another load balancer (connections are counted per destination),
     * then sends a burst with 2 in flight, so {@code b} needs only a few connections. Pooled connections stay
     * open, so {@code b}'s final count is its largest: {@code a} is picked with probability at most
     * (1/(1+8)) / (1/(1+8) + 1/(1+b's connections)) throughout.
     */
    private void assertBusyConnectionsGetLess(SnapshotRouter router, LoopbackOrigin a, LoopbackOrigin b)
            throws Exception {
        final Load.Result warmUp = Load.run(client, host.port(), WARM_HOST, "/?delay=300", 8, 8);
        assertThat(warmUp.failures()).isZero();
        await().untilAsserted(() -> assertThat(router.connections().open("127.0.0.1", a.port()))
                .as("connections reported for a").isEqualTo(a.connectionsOpened()).isGreaterThanOrEqualTo(8));

        final Load.Result result = Load.run(client, host.port(), LB_HOST, "/", BURST, 2);

        assertThat(result.failures()).isZero();
        final int toA = router.connections().open("127.0.0.1", a.port());
        final int toB = router.connections().open("127.0.0.1", b.port());
        assertThat(toB).as("connections reported for b").isEqualTo(b.connectionsOpened()).isLessThan(toA);
        final double ceiling = (1.0 / (1 + toA)) / (1.0 / (1 + toA) + 1.0 / (1 + toB));
        assertThat(result.share("a")).as(result.byOrigin() + " with " + toA + "/" + toB + " connections")
                .isLessThan(ceiling + BOUND).isLessThan(0.5 - BOUND);
    }

    private void assertSlowOriginGetsLess(String originSteering) throws Exception {
        // Same reasoning as assertSlowPoolGetsLess, inside one pool.
        final LoopbackOrigin a = startOrigin("a").delay(Duration.ofMillis(20));
        final LoopbackOrigin b = startOrigin("b");
        final Pool p = pool("p", originSteering, origin(a, 0.5), origin(b, 0.5));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router);

        final Load.Result result = burst();

        assertThat(result.failures()).isZero();
        assertThat(result.share("a")).as(result.byOrigin().toString()).isLessThan(0.4);
        assertThat(result.count("a")).isPositive();
        assertAllReported(router, p);
    }

    // ---- connections (spec §8.2) -------------------------------------------------------------------------------

    @Test
    void reusesUpstreamConnections() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        final Load.Result result = Load.run(client, host.port(), LB_HOST, "/", 600, IN_FLIGHT);

        assertThat(result.failures()).isZero();
        assertThat(a.requestCount()).isEqualTo(600);
        // At most 8 requests in flight: about 8 connections, never one per request.
        assertThat(a.connectionsOpened()).isLessThanOrEqualTo(2 * IN_FLIGHT);
    }

    @Test
    void aPooledConnectionClosedAsItIsReusedIsRetriedTransparently() throws Exception {
        final LoopbackOrigin a = startOrigin("a").closeReusedAfter(Duration.ofMillis(40));
        final Pool p = pool("p", "random", origin(a, 1));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router);

        for (int i = 0; i < 6; i++) {
            assertThat(get(LB_HOST, "/").getStatus()).isEqualTo(200);
            Thread.sleep(60); // the idle gap that makes the origin drop the pooled connection on reuse
        }

        // Every reuse of a pooled connection is dropped; the retry's own connection is closed after use, so the
        // following request opens a new one: drops happen on every other request.
        assertThat(a.droppedRequests()).as("the race was provoked").isGreaterThanOrEqualTo(2);
        assertThat(a.requestCount()).isEqualTo(6);
        assertAllReported(router, p);
    }

    @Test
    void anOriginClosingIdleConnectionsCausesNoErrors() throws Exception {
        final LoopbackOrigin a = startOrigin("a", Duration.ofMillis(150));
        startSingle(a);

        final long[] gaps = {140, 150, 160, 145, 155, 150, 148, 152, 150, 151};
        for (long gap : gaps) {
            assertAnswered(get(LB_HOST, "/"));
            Thread.sleep(gap); // requests spaced right around the origin's idle timeout
        }
        assertAnswered(get(LB_HOST, "/"));
        // A request can reach the origin twice: when its idle timeout fires after it read the request but before
        // it answered, the safe GET is sent again on a fresh connection. None is lost.
        assertThat(a.requestCount()).isGreaterThanOrEqualTo(gaps.length + 1);
    }

    /** 200, or a failure that says who answered (the origin's own 500, or a 52x of Fulcrum's with its body). */
    private static void assertAnswered(ContentResponse response) {
        assertThat(response.getStatus()).as("answer %s, body '%s'", response.getHeaders().asString().strip(),
                response.getContentAsString()).isEqualTo(200);
    }

    // ---- failures and zero-downtime failover (spec §8.3) -------------------------------------------------------

    /** Pool "down" holds only a refused origin, pool "up" a live one; failover may cross pools. */
    private SnapshotRouter startRefusedThenLive(LoopbackOrigin live, boolean acrossPools, UpstreamSettings settings)
            throws Exception {
        final Pool down = pool("down", "random", origin("refused", refusedPort(), 1));
        final Pool up = pool("up", "random", origin(live, 1));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", RandomSteering.DEFAULT,
                new AdaptiveRouting(acrossPools), up, down, up), down, up));
        startHost(router, settings);
        return router;
    }

    @Test
    void aRefusedOriginAnswers521WithTheRayEchoed() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        startRefusedThenLive(b, false, UpstreamSettings.DEFAULTS);

        final ContentResponse response = get(LB_HOST, "/");

        assertThat(response.getStatus()).isEqualTo(521);
        assertThat(response.getContentAsString()).isEqualTo("error code: 521");
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertThat(b.requestCount()).isZero();
    }

    @Test
    void failsOverOnceFromARefusedOrigin() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        final SnapshotRouter router = startRefusedThenLive(b, true, UpstreamSettings.DEFAULTS);

        final ContentResponse response = get(LB_HOST, "/x?y=1");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("origin:b");
        assertThat(b.lastRequest().query()).isEqualTo("y=1");
        assertThat(b.lastRequest().headerValues("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertAllReported(router, pool("down", "random"), pool("up", "random"));
    }

    /** Serves a burst through a one-pool balancer: every request must end at {@code live}, none fail. */
    private void assertBurstServedOnlyBy(LoopbackOrigin live, Pool p) throws Exception {
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router);

        final Load.Result result = Load.run(client, host.port(), LB_HOST, "/", 400, IN_FLIGHT);

        assertThat(result.failures()).isZero();
        assertThat(result.count(live.name())).isEqualTo(400);
        assertAllReported(router, p);
    }

    @Test
    void failsOverWithinAPoolUnderLoadWithoutErrors() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        assertBurstServedOnlyBy(b, pool("p", "random", origin("refused", refusedPort(), 1), origin(b, 1)));
    }

    /** An origin given by a host name is looked up; one whose name does not resolve is steered away from. */
    @Test
    void steersAwayFromAnOriginWhoseNameDoesNotResolve() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        assertBurstServedOnlyBy(b, pool("p", "random", origin("unresolvable", "nonexistent.invalid", b.port(), 1),
                origin("named", "localhost", b.port(), 1)));
    }

    @Test
    void anOnlyOriginWhoseNameDoesNotResolveAnswers530With1016() throws Exception {
        final Pool p = pool("p", "random", origin("unresolvable", "nonexistent.invalid", 80, 1));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router);

        final ContentResponse response = get(LB_HOST, "/");

        assertThat(response.getStatus()).isEqualTo(530);
        assertThat(response.getContentAsString()).isEqualTo("error code: 1016");
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertAllReported(router, p);
    }

    /**
     * An attempt that cannot even be sent is Fulcrum's failure, not the origin's, on every host alike: answered 502 in
     * Fulcrum's error form with the ray echoed, and reported (cancelled), never a closed connection or the
     * container's own error page. Here the failover goes to an origin named with an underscore, which DNS and the
     * API allow but the upstream client refuses to build a request for (no URI host).
     */
    @Test
    void aFailoverThatCannotBeSentAnswers502() throws Exception {
        assertUnsendableFailoverAnswers502(() -> request(LB_HOST, "/"));
    }

    /** The same for a replayed request: its buffered body changes nothing about the answer. */
    @Test
    void aReplayedRequestWhoseResendCannotBeSentAnswers502() throws Exception {
        assertUnsendableFailoverAnswers502(() -> request(LB_HOST, "/form").method("POST")
                .body(new BytesRequestContent("text/plain", "replayed".getBytes(StandardCharsets.UTF_8))));
    }

    /** Pool "down" holds a refused origin, pool "unsendable" one the upstream client cannot build a request for. */
    private void assertUnsendableFailoverAnswers502(Supplier<Request> request) throws Exception {
        final Pool down = pool("down", "random", origin("refused", refusedPort(), 1));
        final Pool unsendable = pool("unsendable", "random", origin("underscored", "under_score.invalid", 80, 1));
        final SnapshotRouter router = Fixtures.router(config(lb(LB_HOST, "off", RandomSteering.DEFAULT,
                new AdaptiveRouting(true), unsendable, down, unsendable), down, unsendable));
        startHost(router);

        final ContentResponse response = request.get().send();

        assertThat(response.getStatus()).isEqualTo(502);
        assertThat(response.getContentAsString()).isEqualTo("error code: 502");
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertAllReported(router, down, unsendable);
    }

    /**
     * A replayed request whose resend fails as well is answered with the resend's own 52x in Cloudflare's form, the
     * same on every host: here the failover gets the buffered body again and then times out (524), so the answer
     * names the last attempt's failure, not the first one's. Both attempts are reported.
     */
    @Test
    void aReplayedRequestWhoseResendFailsAnswersTheResendsOwn52x() throws Exception {
        final LoopbackOrigin slow = startOrigin("slow");
        final SnapshotRouter router = startRefusedThenLive(slow, true,
                UpstreamSettings.DEFAULTS.withReadTimeout(Duration.ofMillis(300)));

        final byte[] body = "replayed=yes".getBytes(StandardCharsets.UTF_8);
        final ContentResponse response = request(LB_HOST, "/form?delay=900").method("POST")
                .body(new BytesRequestContent("application/x-www-form-urlencoded", body)).send();

        assertThat(response.getStatus()).isEqualTo(524);
        assertThat(response.getContentAsString()).isEqualTo("error code: 524");
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertThat(slow.requestCount()).isEqualTo(1);
        assertThat(slow.lastRequest().body()).isEqualTo(body);
        assertAllReported(router, pool("down", "random"), pool("up", "random"));
    }

    /**
     * Failover is one resend at most (spec §8.3): a resend refused in turn answers 521 and goes nowhere else, though a
     * live pool is next in line.
     */
    @Test
    void aRefusedResendAnswers521AndIsNotFailedOverAgain() throws Exception {
        final LoopbackOrigin live = startOrigin("live");
        final Pool down = pool("down", "random", origin("refused", refusedPort(), 1));
        final Pool downToo = pool("down-too", "random", origin("refused-too", refusedPort(), 1));
        final Pool up = pool("up", "random", origin(live, 1));
        final SnapshotRouter router = Fixtures.router(config(lb(LB_HOST, "off", RandomSteering.DEFAULT,
                new AdaptiveRouting(true), up, down, downToo, up), down, downToo, up));
        startHost(router);

        final ContentResponse response = request(LB_HOST, "/form").method("POST")
                .body(new BytesRequestContent("text/plain", "twice".getBytes(StandardCharsets.UTF_8))).send();

        assertThat(response.getStatus()).isEqualTo(521);
        assertThat(response.getContentAsString()).isEqualTo("error code: 521");
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertThat(live.requestCount()).isZero();
        assertAllReported(router, down, downToo, up);
    }

    /**
     * An origin failing once its answer reached the client cannot be answered with a status any more: the client's
     * connection is cut, so it sees an incomplete answer rather than a complete wrong one.
     */
    @Test
    void anOriginFailingMidAnswerCutsTheClientsAnswerShort() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final SnapshotRouter router = startSingle(a);

        final int size = 256 * 1024;
        final AtomicLong received = new AtomicLong();
        final CompletableFuture<Result> done = new CompletableFuture<>();
        request(LB_HOST, "/?size=" + size + "&cut=" + 64 * 1024)
                .onResponseContent((response, content) -> {
                    received.addAndGet(content.remaining());
                    a.releaseCuts(); // the answer has reached the client: now the origin fails
                })
                .send(done::complete);

        final Result result = done.get(30, TimeUnit.SECONDS);
        assertThat(result.isFailed()).as("cut short, never completed").isTrue();
        assertThat(result.getResponse().getStatus()).as("the origin's own head, not a 52x").isEqualTo(200);
        assertThat(received.get()).isPositive().isLessThan(size);
        assertAllReported(router, pool("p", "random"));
    }

    @Test
    void anIdempotentRequestWhoseOriginClosesBeforeAnsweringIsRetriedOnceElsewhere() throws Exception {
        // Pool "dying" first: its origin reads every request and closes the connection without answering.
        final LoopbackOrigin dying = startOrigin("dying").dropEveryRequest();
        final LoopbackOrigin b = startOrigin("b");
        final Pool first = pool("dying", "random", origin(dying, 1));
        final Pool up = pool("up", "random", origin(b, 1));
        final SnapshotRouter router = Fixtures.router(config(lb(LB_HOST, "off", RandomSteering.DEFAULT,
                new AdaptiveRouting(true), up, first, up), first, up));
        startHost(router);

        final ContentResponse got = get(LB_HOST, "/get");
        assertThat(got.getStatus()).isEqualTo(200);
        assertThat(got.getContentAsString()).isEqualTo("origin:b");
        final byte[] body = "replayed".getBytes(StandardCharsets.UTF_8);
        final ContentResponse put = request(LB_HOST, "/put").method("PUT")
                .body(new BytesRequestContent("text/plain", body)).send();
        assertThat(put.getStatus()).isEqualTo(200);
        assertThat(b.lastRequest().body()).isEqualTo(body);
        assertThat(dying.requests()).extracting(LoopbackOrigin.Seen::path).contains("/get", "/put");

        // Not idempotent: it reached an origin, which may have acted on it; never sent again.
        final ContentResponse post = request(LB_HOST, "/post").method("POST")
                .body(new BytesRequestContent("text/plain", body)).send();
        assertThat(post.getStatus()).isEqualTo(520);
        assertThat(dying.requests()).extracting(LoopbackOrigin.Seen::path).containsOnlyOnce("/post");
        assertThat(b.requests()).extracting(LoopbackOrigin.Seen::path).containsExactly("/get", "/put");
        assertAllReported(router, pool("dying", "random"), pool("up", "random"));
    }

    @Test
    void noGetFailsWhileAnOriginDiesUnderLoadAndNoPostIsSentTwice() throws Exception {
        // An origin dying as a process does: first it reads requests and closes without answering, then it is gone:
        // every connection closed, new ones refused, as the kernel does for a killed process. The relay in front of
        // it does that at once; stopping the origin's Jetty instead can leave a connection it accepted while
        // stopping open and unread, which is an origin that never answers (524, never retried), not a dead one.
        // No monitor: it stays a candidate throughout, so every request steered to it must be saved by the
        // stale-connection retry, the retry elsewhere or the failover.
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin dying = startOrigin("dying");
        try (TcpProxy process = TcpProxy.start(dying.port())) {
            final Pool p = pool("p", "random", origin(a, 1), origin(b, 1), origin("dying", process.port(), 1));
            final SnapshotRouter router = startPool(p, UpstreamSettings.DEFAULTS);

            final CompletableFuture<Void> death = CompletableFuture.runAsync(() -> {
                await().atMost(Duration.ofSeconds(60)).until(() -> dying.requestCount() >= 100);
                dying.dropEveryRequest();
                await().atMost(Duration.ofSeconds(60)).until(() -> dying.droppedRequests() >= 20);
                try {
                    process.cut();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            final Load.Result gets = Load.run(client, host.port(), LB_HOST, "/", 1500, 2 * IN_FLIGHT);

            assertThat(death).as("the origin died during the load").isCompleted();
            assertThat(gets.failures()).as(gets.byStatus().toString()).isZero();
            assertThat(gets.byStatus()).containsOnlyKeys(200);
            assertThat(gets.count("dying")).isPositive();
            assertAllReported(router, p);

            // POSTs: one that reached an origin which then closed without answering is never sent again (520).
            process.restore();
            a.reset();
            b.reset();
            dying.reset();
            final AtomicInteger sequence = new AtomicInteger();
            final byte[] body = "once".getBytes(StandardCharsets.UTF_8);
            final Load.Result posts = Load.run(client, host.port(), LB_HOST, "/", 300, 2 * IN_FLIGHT,
                    request -> request.method("POST").path("/post-" + sequence.incrementAndGet())
                            .body(new BytesRequestContent("text/plain", body)));
            final List<String> seen = new ArrayList<>();
            for (LoopbackOrigin o : List.of(a, b, dying)) {
                o.requests().forEach(r -> seen.add(r.path()));
            }
            assertThat(seen).as("every POST reached exactly one origin, once").hasSize(300).doesNotHaveDuplicates();
            assertThat(posts.byStatus()).containsOnlyKeys(200, 520);
            assertThat(posts.byStatus().getOrDefault(520, 0)).isEqualTo(dying.droppedRequests()).isPositive();
            assertAllReported(router, p);
        }
    }

    @Test
    void replaysABufferedBodyOnFailover() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        startRefusedThenLive(b, true, UpstreamSettings.DEFAULTS);

        final byte[] body = "small=body&kept=yes".getBytes(StandardCharsets.UTF_8);
        final ContentResponse response = request(LB_HOST, "/form").method("POST")
                .body(new BytesRequestContent("application/x-www-form-urlencoded", body)).send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(b.requestCount()).isEqualTo(1);
        assertThat(b.lastRequest().method()).isEqualTo("POST");
        assertThat(b.lastRequest().body()).isEqualTo(body);
        assertThat(b.lastRequest().header("Content-Type")).startsWith("application/x-www-form-urlencoded");
    }

    @Test
    void neverReplaysAStreamedBody() throws Exception {
        final LoopbackOrigin b = startOrigin("b");
        startRefusedThenLive(b, true, UpstreamSettings.DEFAULTS.withReplayBufferBytes(1024));

        final ContentResponse response = request(LB_HOST, "/upload").method("POST")
                .body(chunked(new byte[8 * 1024])).send();

        assertThat(response.getStatus()).isEqualTo(521);
        assertThat(b.requestCount()).isZero();
    }

    @Test
    void aSlowOriginAnswers524() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final Pool p = pool("p", "random", origin(a, 1));
        final SnapshotRouter router = router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router, UpstreamSettings.DEFAULTS.withReadTimeout(Duration.ofMillis(300)));

        final ContentResponse response = get(LB_HOST, "/?delay=900");

        assertThat(response.getStatus()).isEqualTo(524);
        assertThat(response.getContentAsString()).isEqualTo("error code: 524");
        assertAllReported(router, p);
    }

    /**
     * Every wrapper runs the upstream client's callbacks on its selector: a client that stops reading a large
     * answer must hold up neither that thread nor anyone else's response.
     */
    @Test
    void aClientThatStopsReadingDoesNotHoldUpOthers() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a);

        try (Socket stalled = new Socket()) {
            // A small receive buffer, a large answer, and no reading: the proxy's writes to it must stop short.
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", host.port()), 5_000);
            stalled.getOutputStream().write(("GET /big?size=" + (64 * 1024 * 1024) + " HTTP/1.1\r\nHost: " + LB_HOST
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final InputStream in = stalled.getInputStream();
            final byte[] first = new byte[16];
            assertThat(in.read(first)).as("the big answer has begun").isPositive();

            for (int i = 0; i < 20; i++) {
                assertThat(request(LB_HOST, "/small?i=" + i).timeout(5, TimeUnit.SECONDS).send().getStatus())
                        .isEqualTo(200);
            }
        }
    }
}
