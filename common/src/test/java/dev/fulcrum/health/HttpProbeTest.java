package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static org.assertj.core.api.Assertions.assertThat;

class HttpProbeTest {

    private static final String POOL = "17f5f4e3d2c1b0a9f8e7d6c5b4a39281";

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private Probes probes;
    private TestOrigin server;

    @BeforeEach
    void start() throws Exception {
        probes = new Probes(HealthSettings.defaults(), scheduler);
        probes.start();
        server = TestOrigin.http();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        probes.close();
        scheduler.shutdownNow();
    }

    private ProbeResult check(Monitor monitor, Origin origin) throws Exception {
        return probes.check(ProbeTarget.of(monitor, POOL, origin)).get(15, TimeUnit.SECONDS);
    }

    private Origin local() {
        return origin("app-1", "127.0.0.1", server.port());
    }

    @Test
    void passesOnExpectedCodeAndSendsCloudflaresRequest() throws Exception {
        final Monitor monitor = Fixtures.withHeaderAndPort(monitor(Fixtures.id('m'), "http"),
                Map.of("X-App-ID", List.of("abc123"), "User-Agent", List.of("mine")), 0);

        final ProbeResult result = check(monitor, local());

        assertThat(result.passed()).isTrue();
        assertThat(result.reason().text()).isEqualTo("No failures");
        assertThat(result.responseCode()).isEqualTo(200);
        assertThat(result.rttNanos()).isPositive();
        final Map<String, String> request = server.lastRequest();
        assertThat(request).containsEntry(":method", "GET").containsEntry(":path", "/health")
                .containsEntry("Host", "127.0.0.1").containsEntry("X-App-ID", "abc123")
                .containsEntry("Connection", "close")
                .containsEntry("User-Agent", "Mozilla/5.0 (compatible; Cloudflare-Traffic-Manager/1.0; "
                        + "+https://www.cloudflare.com/traffic-manager/; pool-id: 17f5f4e3d2c1b0a9)");
        assertThat(request).doesNotContainKey("Cookie").doesNotContainKey("Accept-Encoding");
    }

    @Test
    void originHostOverrideBeatsTheMonitorsHost() throws Exception {
        final Monitor monitor = Fixtures.withHeaderAndPort(monitor(Fixtures.id('m'), "http"),
                Map.of("Host", List.of("monitor.example")), 0);

        check(monitor, local());
        assertThat(server.lastRequest()).containsEntry("Host", "monitor.example");

        check(monitor, Fixtures.withHost(local(), "origin.example"));
        assertThat(server.lastRequest()).containsEntry("Host", "origin.example");
    }

    @Test
    void monitorPortBeatsTheOriginPort() throws Exception {
        final Monitor monitor = Fixtures.withHeaderAndPort(monitor(Fixtures.id('m'), "http"), Map.of(),
                server.port());

        final ProbeResult result = check(monitor, origin("app-1", "127.0.0.1", 1));

        assertThat(result.passed()).isTrue();
    }

    @Test
    void wrongCodeIsACodeMismatchWithTheCode() throws Exception {
        server.status = 503;

        final ProbeResult result = check(monitor(Fixtures.id('m'), "http"), local());

        assertThat(result.passed()).isFalse();
        assertThat(result.reason().text()).isEqualTo("Response code mismatch error");
        assertThat(result.responseCode()).isEqualTo(503);
    }

    @Test
    void commaListsOfCodesAndClasses() throws Exception {
        server.status = 404;
        final Monitor monitor = Fixtures.withCodes(monitor(Fixtures.id('m'), "http"), "200, 404", "");

        assertThat(check(monitor, local()).passed()).isTrue();
        server.status = 204;
        assertThat(check(monitor, local()).reason()).isEqualTo(FailureReason.RESPONSE_CODE_MISMATCH);
    }

    @Test
    void expectedBodyIsACaseInsensitiveSubstring() throws Exception {
        server.body = "status: ALL SYSTEMS GO";

        assertThat(check(Fixtures.withCodes(monitor(Fixtures.id('m'), "http"), "200", "systems go"), local())
                .passed()).isTrue();
        final ProbeResult wrong = check(Fixtures.withCodes(monitor(Fixtures.id('m'), "http"), "200", "degraded"),
                local());
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.reason().text()).isEqualTo("Response body mismatch error");
        assertThat(wrong.responseCode()).isEqualTo(200);
    }

    @Test
    void onlyTheFirstTenKilobytesOfTheBodyCount() throws Exception {
        server.body = "x".repeat(HttpProbe.BODY_LIMIT - 100) + "early-marker" + "y".repeat(20_000) + "late-marker";

        assertThat(check(Fixtures.withCodes(monitor(Fixtures.id('m'), "http"), "200", "EARLY-marker"), local())
                .passed()).isTrue();
        assertThat(check(Fixtures.withCodes(monitor(Fixtures.id('m'), "http"), "200", "late-marker"), local())
                .reason()).isEqualTo(FailureReason.RESPONSE_BODY_MISMATCH);
    }

    @Test
    void redirectIsAMismatchUnlessFollowed() throws Exception {
        final Monitor moved = Fixtures.withPath(monitor(Fixtures.id('m'), "http"), "/moved");

        final ProbeResult notFollowed = check(moved, local());
        assertThat(notFollowed.reason()).isEqualTo(FailureReason.RESPONSE_CODE_MISMATCH);
        assertThat(notFollowed.responseCode()).isEqualTo(302);

        final ProbeResult followed = check(Fixtures.withFlags(moved, true, false), local());
        assertThat(followed.passed()).isTrue();
        assertThat(followed.responseCode()).isEqualTo(200);
        assertThat(server.lastRequest()).containsEntry(":path", "/health");
    }

    @Test
    void slowAnswerIsAnHttpTimeoutRetriedImmediately() throws Exception {
        server.delayMillis = 2_500;
        final Monitor monitor = Fixtures.withTiming(monitor(Fixtures.id('m'), "http"), 1, 1, 60);
        final int before = server.requests.get();

        final ProbeResult result = check(monitor, local());

        assertThat(result.passed()).isFalse();
        assertThat(result.reason().text()).isEqualTo("HTTP timeout occurred");
        // One attempt plus one immediate retry.
        assertThat(server.requests.get() - before).isEqualTo(2);
    }

    @Test
    void connectedButSilentIsAnHttpTimeout() throws Exception {
        // The kernel completes the handshake into the backlog; nobody ever reads the request.
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            final ProbeResult result = check(Fixtures.withTiming(monitor(Fixtures.id('m'), "http"), 1, 0, 60),
                    origin("silent", "127.0.0.1", silent.getLocalPort()));

            assertThat(result.reason().text()).isEqualTo("HTTP timeout occurred");
        }
    }

    @Test
    void failuresThatAreNotTimeoutsAreNotRetried() throws Exception {
        server.status = 500;
        final Monitor monitor = Fixtures.withTiming(monitor(Fixtures.id('m'), "http"), 1, 3, 60);
        final int before = server.requests.get();

        check(monitor, local());

        assertThat(server.requests.get() - before).isEqualTo(1);
    }

    @Test
    void refusedConnectionIsATcpConnectionFailure() throws Exception {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        final ProbeResult result = check(monitor(Fixtures.id('m'), "http"), origin("gone", "127.0.0.1", closedPort));

        assertThat(result.reason().text()).isEqualTo("TCP connection failed");
        assertThat(result.responseCode()).isZero();
    }

    @Test
    void unknownHostIsDnsUnknownHost() throws Exception {
        final ProbeResult result = check(monitor(Fixtures.id('m'), "http"),
                origin("nowhere", "no-such-host.invalid", 80));

        assertThat(result.reason().text()).isEqualTo("DNS Unknown Host");
    }

    @Test
    void headRequestsWork() throws Exception {
        final Monitor head = new Monitor(Fixtures.id('m'), Fixtures.ACCOUNT, Fixtures.T0, Fixtures.T0, "http", "HEAD",
                "/", Map.of(), 0, 1, 0, 1, "200", "", false, false, 0, 0, "", "");

        assertThat(check(head, local()).passed()).isTrue();
        assertThat(server.lastRequest()).containsEntry(":method", "HEAD");
    }

    @Test
    void unusableMonitorIsAMonitorConfigError() throws Exception {
        final ProbeResult result = check(Fixtures.withCodes(monitor(Fixtures.id('m'), "http"), "2xx,abc", ""),
                local());

        assertThat(result.reason().text()).isEqualTo("Monitor Config Error");
        assertThat(server.requests.get()).isZero();
    }
}
