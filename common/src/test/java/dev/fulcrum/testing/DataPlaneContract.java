package dev.fulcrum.testing;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.testing.StubRouter.Completion;
import dev.fulcrum.testing.StubRouter.Target;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The data-plane behaviour every wrapper must show (spec §4.1, §8), run against real origins on loopback ports and
 * a real client. Subclasses supply the container ({@link #newHost()}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class DataPlaneContract {

    protected static final String LB_HOST = "lb.example.test";

    private final List<AutoCloseable> resources = new ArrayList<>();
    protected HostUnderTest host;
    protected UpstreamClient upstream;
    protected HttpClient client;

    /** A fresh, unstarted container with the wrapper under test. */
    protected abstract HostUnderTest newHost();

    @BeforeEach
    void startClient() throws Exception {
        client = new HttpClient();
        client.setFollowRedirects(false);
        client.setMaxConnectionsPerDestination(16);
        client.start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (host != null) {
            host.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        client.stop();
    }

    protected void startHost(Router router) throws Exception {
        startHost(router, UpstreamSettings.DEFAULTS);
    }

    protected void startHost(Router router, UpstreamSettings settings) throws Exception {
        upstream = UpstreamClient.start(settings);
        host = newHost();
        host.start(router, upstream);
    }

    protected LoopbackOrigin origin(String name) throws Exception {
        final LoopbackOrigin origin = LoopbackOrigin.start(name);
        resources.add(origin);
        return origin;
    }

    protected LoopbackOrigin origin(String name, Duration idleTimeout) throws Exception {
        final LoopbackOrigin origin = LoopbackOrigin.start(name, idleTimeout);
        resources.add(origin);
        return origin;
    }

    /** A loopback port with nothing listening: connecting is refused. */
    protected static int refusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    protected Request request(String hostHeader, String pathAndQuery) {
        return client.newRequest("127.0.0.1", host.port())
                .path(pathAndQuery)
                .headers(h -> h.put(HttpHeader.HOST, hostHeader))
                .timeout(30, TimeUnit.SECONDS);
    }

    protected ContentResponse get(String hostHeader, String pathAndQuery) throws Exception {
        return request(hostHeader, pathAndQuery).send();
    }

    protected ContentResponse get(String hostHeader, String pathAndQuery, Consumer<HttpFields.Mutable> headers)
            throws Exception {
        return request(hostHeader, pathAndQuery).headers(headers).send();
    }

    /** A body of unknown length: the client sends it chunked. */
    protected static Request.Content chunked(byte[] body) {
        return new InputStreamRequestContent(new ByteArrayInputStream(body));
    }

    // ---- forwarding basics -------------------------------------------------------------------------------------

    @Test
    void forwardsMethodPathAndQueryToTheOrigin() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)));

        final ContentResponse response = get(LB_HOST, "/some/path%20x?q=a%20b&r=c+d&s=%2F");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("origin:a");
        final LoopbackOrigin.Seen seen = a.lastRequest();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.path()).isEqualTo("/some/path%20x");
        assertThat(seen.query()).isEqualTo("q=a%20b&r=c+d&s=%2F");
    }

    @Test
    void matchesTheHostCaseInsensitivelyAndIgnoresThePort() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)));

        final ContentResponse response = get("LB.Example.TEST:" + host.port(), "/");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(a.requestCount()).isEqualTo(1);
    }

    @Test
    void anUnknownHostNeverReachesAnyOrigin() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)));

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
    void aRespondDecisionIsAnsweredWithoutAnOrigin() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward("other.example.test", Target.of(a))
                .respond(LB_HOST, new RouteDecision.Respond(530, "text/plain;charset=utf-8", "error code: 1016",
                        List.of(Map.entry("CF-Ray", "0123456789abcdef-TST")))));

        final ContentResponse response = get(LB_HOST, "/");

        assertThat(response.getStatus()).isEqualTo(530);
        assertThat(response.getContentAsString()).isEqualTo("error code: 1016");
        assertThat(response.getHeaders().get("CF-Ray")).isEqualTo("0123456789abcdef-TST");
        assertThat(response.getMediaType()).isEqualTo("text/plain");
        assertThat(a.requestCount()).isZero();
        if (host.hasOwnApplication()) {
            assertThat(host.ownApplicationRequests()).isZero();
        }
    }

    @Test
    void streamsLargeResponsesIntact() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)));

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
    void passesOriginStatusesThrough() throws Exception {
        final LoopbackOrigin a = origin("a");
        final StubRouter router = new StubRouter().forward(LB_HOST, Target.of(a));
        startHost(router);

        final ContentResponse response = get(LB_HOST, "/?status=503");

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentAsString()).isEqualTo("origin:a");
        await().untilAsserted(() -> assertThat(router.completions())
                .containsExactly(new Completion("a", Outcome.RESPONDED, 503)));
    }

    // ---- headers (spec §8.1) -----------------------------------------------------------------------------------

    @Test
    void setsTheRoutersHeadersAndDropsHopByHopOnesTowardTheOrigin() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)));

        final ContentResponse response = get(LB_HOST, "/", h -> {
            h.put("X-Forwarded-For", "203.0.113.9");
            h.put("X-Forwarded-Proto", "https");
            h.put("CF-Connecting-IP", "198.51.100.1");
            h.put("X-Real-IP", "198.51.100.2");
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
        assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.headerValues("CF-Connecting-IP")).containsExactly("127.0.0.1");
        assertThat(seen.header("X-Real-IP")).isNull();
        assertThat(seen.header("X-Client-Hop")).isNull();
        assertThat(seen.header("Keep-Alive")).isNull();
        assertThat(seen.header("Proxy-Authorization")).isNull();
        assertThat(seen.header("Proxy-Connection")).isNull();
        assertThat(seen.header("TE")).isNull();
        assertThat(seen.header("Connection")).isNull();
        assertThat(seen.header("X-Custom")).isEqualTo("kept");
        assertThat(String.join(",", seen.headerValues("X-Multi")).replace(" ", "")).isEqualTo("one,two");
        assertThat(seen.header("Host")).isEqualTo(LB_HOST);
        assertThat(seen.header("CF-Ray")).isNotBlank();
        assertThat(response.getHeaders().get("CF-Ray")).isEqualTo(seen.header("CF-Ray"));
    }

    @Test
    void sendsTheOriginsHostOverride() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST,
                new Target("a", "http", "127.0.0.1", a.port(), "app.internal.test")));

        get(LB_HOST, "/");

        assertThat(a.lastRequest().header("Host")).isEqualTo("app.internal.test");
    }

    @Test
    void dropsHopByHopAndAccelHeadersFromResponses() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)));

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
    }

    // ---- connections -------------------------------------------------------------------------------------------

    @Test
    void reusesUpstreamConnections() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)));

        final Load.Result result = Load.run(client, host.port(), LB_HOST, "/", 600, 8);

        assertThat(result.failures()).isZero();
        assertThat(a.requestCount()).isEqualTo(600);
        // 8 requests in flight at most: the origin should see about 8 connections, never one per request.
        assertThat(a.connectionsOpened()).isLessThanOrEqualTo(16);
    }

    @Test
    void aPooledConnectionClosedAsItIsReusedIsRetriedTransparently() throws Exception {
        final LoopbackOrigin a = origin("a").closeReusedAfter(Duration.ofMillis(40));
        final StubRouter router = new StubRouter().forward(LB_HOST, Target.of(a));
        startHost(router);

        for (int i = 0; i < 6; i++) {
            assertThat(get(LB_HOST, "/").getStatus()).isEqualTo(200);
            Thread.sleep(60); // the idle gap that makes the origin drop the pooled connection on reuse
        }

        // Every reuse of a pooled connection is dropped; the retry's own connection is closed after use, so the
        // following request opens a new one: drops happen on every other request.
        assertThat(a.droppedRequests()).as("the race was provoked").isGreaterThanOrEqualTo(2);
        assertThat(a.requestCount()).isEqualTo(6);
        await().untilAsserted(() -> assertThat(router.completions()).hasSize(6)
                .allMatch(c -> c.outcome() == Outcome.RESPONDED));
    }

    @Test
    void anOriginClosingIdleConnectionsCausesNoErrors() throws Exception {
        final LoopbackOrigin a = origin("a", Duration.ofMillis(150));
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)));

        final long[] gaps = {140, 150, 160, 145, 155, 150, 148, 152, 150, 151};
        for (long gap : gaps) {
            assertThat(get(LB_HOST, "/").getStatus()).isEqualTo(200);
            Thread.sleep(gap); // requests spaced right around the origin's idle timeout
        }
        assertThat(get(LB_HOST, "/").getStatus()).isEqualTo(200);
        assertThat(a.requestCount()).isEqualTo(gaps.length + 1);
    }

    // ---- failures and failover (spec §8.3) ---------------------------------------------------------------------

    @Test
    void aRefusedOriginAnswers521WithTheRayEchoed() throws Exception {
        final StubRouter router = new StubRouter().forward(LB_HOST, Target.refused("down", refusedPort()));
        startHost(router);

        final ContentResponse response = get(LB_HOST, "/");

        assertThat(response.getStatus()).isEqualTo(521);
        assertThat(response.getContentAsString()).isEqualTo("error code: 521");
        assertThat(response.getHeaders().get("CF-Ray")).isNotBlank();
        assertThat(router.completions()).containsExactly(new Completion("down", Outcome.CONNECT_FAILED, 521));
    }

    @Test
    void failsOverOnceFromARefusedOrigin() throws Exception {
        final LoopbackOrigin b = origin("b");
        final StubRouter router = new StubRouter().forward(LB_HOST, Target.refused("down", refusedPort()),
                Target.of(b));
        startHost(router);

        final ContentResponse response = get(LB_HOST, "/x?y=1");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("origin:b");
        assertThat(b.lastRequest().query()).isEqualTo("y=1");
        // The client may have its last byte before the wrapper reports: wait for the report.
        await().untilAsserted(() -> assertThat(router.completions()).containsExactly(
                new Completion("down", Outcome.CONNECT_FAILED, 521), new Completion("b", Outcome.RESPONDED, 200)));
    }

    @Test
    void replaysABufferedBodyOnFailover() throws Exception {
        final LoopbackOrigin b = origin("b");
        startHost(new StubRouter().forward(LB_HOST, Target.refused("down", refusedPort()), Target.of(b)));

        final byte[] body = "small=body&kept=yes".getBytes(StandardCharsets.UTF_8);
        final ContentResponse response = request(LB_HOST, "/form").method("POST")
                .body(new BytesRequestContent("application/x-www-form-urlencoded", body)).send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(b.requestCount()).isEqualTo(1);
        assertThat(b.lastRequest().body()).isEqualTo(body);
        assertThat(b.lastRequest().header("Content-Type")).startsWith("application/x-www-form-urlencoded");
    }

    @Test
    void neverReplaysAStreamedBody() throws Exception {
        final LoopbackOrigin b = origin("b");
        final StubRouter router = new StubRouter().forward(LB_HOST, Target.refused("down", refusedPort()),
                Target.of(b));
        startHost(router, UpstreamSettings.DEFAULTS.withReplayBufferBytes(1024));

        final ContentResponse response = request(LB_HOST, "/upload").method("POST")
                .body(chunked(new byte[8 * 1024])).send();

        assertThat(response.getStatus()).isEqualTo(521);
        assertThat(b.requestCount()).isZero();
        assertThat(router.completions()).containsExactly(new Completion("down", Outcome.CONNECT_FAILED, 521));
    }

    @Test
    void streamsALargeChunkedBodyToTheOrigin() throws Exception {
        final LoopbackOrigin a = origin("a");
        startHost(new StubRouter().forward(LB_HOST, Target.of(a)),
                UpstreamSettings.DEFAULTS.withReplayBufferBytes(1024));

        final byte[] body = new byte[1024 * 1024 + 3];
        Arrays.fill(body, (byte) 'z');
        final ContentResponse response = request(LB_HOST, "/upload").method("POST").body(chunked(body)).send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(a.lastRequest().body()).isEqualTo(body);
        assertThat(a.lastRequest().header("Content-Length")).as("streamed, not buffered").isNull();
    }

    @Test
    void aSlowOriginAnswers524() throws Exception {
        final LoopbackOrigin a = origin("a");
        final StubRouter router = new StubRouter().forward(LB_HOST, Target.of(a));
        startHost(router, UpstreamSettings.DEFAULTS.withReadTimeout(Duration.ofMillis(300)));

        final ContentResponse response = get(LB_HOST, "/?delay=1500");

        assertThat(response.getStatus()).isEqualTo(524);
        assertThat(response.getContentAsString()).isEqualTo("error code: 524");
        assertThat(router.completions()).containsExactly(new Completion("a", Outcome.EXCHANGE_FAILED, 524));
    }
}
