package dev.fulcrum.tomcat;

import dev.fulcrum.routing.Router;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.core.StandardEngine;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardServer;
import org.apache.catalina.core.StandardService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The valve's lifecycle: with a given router it owns only an upstream client; declared alone (server.xml) it owns
 * a Fulcrum runtime and serves the API on its own port. Bad attributes are refused at start, naming them.
 */
class FulcrumValveTest {

    private static final String TOKEN = "valve-test-token-0123456789";

    @TempDir
    Path dir;

    private FulcrumValve started;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws LifecycleException {
        if (started != null) {
            started.stop();
        }
    }

    /** A valve in a Host of an Engine of a Server whose catalina.base is {@code base}. */
    private static FulcrumValve valve(Path base) {
        final StandardServer server = new StandardServer();
        server.setCatalinaBase(base.toFile());
        final StandardService service = new StandardService();
        server.addService(service);
        final StandardEngine engine = new StandardEngine();
        service.setContainer(engine);
        final StandardHost host = new StandardHost();
        host.setParent(engine);
        final FulcrumValve valve = new FulcrumValve();
        valve.setContainer(host);
        return valve;
    }

    private FulcrumValve runtimeValve() {
        final FulcrumValve valve = valve(dir);
        valve.setProperty("apiBind", "127.0.0.1");
        valve.setProperty("apiPort", "0");
        valve.setProperty("apiToken", TOKEN);
        return valve;
    }

    @Test
    void anOriginCaFileIsUnderCatalinaBaseAndAMissingOneFailsTheStartNamingIt() {
        final FulcrumValve valve = runtimeValve();
        valve.setProperty("originCa", "ca/origins.pem");

        assertThatThrownBy(valve::start).isInstanceOf(LifecycleException.class)
                .hasMessage("FulcrumValve: origin CA file (originCa) " + dir.toAbsolutePath().resolve("ca/origins.pem")
                        + ": no such file");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** 32 bytes, base64: the key several nodes would share. */
    private static final String SHARED_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Test
    void withoutARouterItRunsARuntimeInCatalinaBaseAndServesTheApi() throws Exception {
        final FulcrumValve valve = runtimeValve();
        valve.setProperty("pop", "LAX");
        valve.setProperty("upstreamConnectTimeout", "2s");
        valve.setProperty("affinityKey", SHARED_KEY);
        valve.setProperty("affinitySessions", "500");
        valve.start();
        started = valve;

        assertThat(valve.fulcrum().settings().dataDir()).isEqualTo(dir.resolve("fulcrum-data"));
        assertThat(Files.isDirectory(dir.resolve("fulcrum-data"))).isTrue();
        assertThat(valve.fulcrum().settings().routing().pop()).isEqualTo("LAX");
        assertThat(valve.fulcrum().settings().upstream().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        // Nothing the valve runs in the upstream callbacks blocks (the no-Context fallback writes on its own
        // thread), so they run on the selectors, one per CPU.
        assertThat(valve.fulcrum().upstream().settings().nonBlocking()).isTrue();
        assertThat(valve.fulcrum().upstream().settings().selectors())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(valve.fulcrum().router().affinitySettings().key().fingerprint())
                .isEqualTo(dev.fulcrum.affinity.AffinityKey.fromBase64(SHARED_KEY).fingerprint());
        assertThat(valve.fulcrum().router().headerSessions().maxSessions()).isEqualTo(500);
        final String api = "http://127.0.0.1:" + valve.apiLocalPort() + "/client/v4";
        final HttpResponse<String> accounts = get(api + "/accounts");
        assertThat(accounts.statusCode()).isEqualTo(200);
        assertThat(accounts.body()).contains("\"success\":true");

        valve.stop();
        started = null;
        assertThat(valve.fulcrum()).isNull();
        assertThatThrownBy(() -> get(api + "/accounts")).isInstanceOf(ConnectException.class);
    }

    @Test
    void theApiListenerServesTheScrapeWithTheTokenUnlessOpened() throws Exception {
        final FulcrumValve valve = runtimeValve();
        valve.setProperty("accessLog", "true");
        valve.start();
        started = valve;
        final String base = "http://127.0.0.1:" + valve.apiLocalPort();

        final HttpResponse<String> scrape = get(base + "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type.replace(" ", "")).isEqualTo("text/plain;version=0.0.4;charset=utf-8"));
        assertThat(scrape.body()).contains("# TYPE jvm_threads_live_threads gauge");
        final HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).contains("\"code\":10000");
        assertThat(get(base + "/metricsx").statusCode()).as("only the exact path").isEqualTo(404);
        assertThat(valve.fulcrum().metrics().accessLog()).isNotNull();
        valve.stop();

        final FulcrumValve open = runtimeValve();
        open.setProperty("metricsPublic", "TRUE");
        open.start();
        started = open;
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.apiLocalPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(open.fulcrum().metrics().accessLog()).isNull();
    }

    @Test
    void aBadMetricsAttributeIsRefusedNamingIt() {
        final FulcrumValve valve = runtimeValve();
        valve.setProperty("metricsJmx", "maybe");
        assertThatThrownBy(valve::start).isInstanceOf(LifecycleException.class)
                .hasMessage("FulcrumValve: metricsJmx: 'maybe' is not a switch value (expected: true or false)");
    }

    @Test
    void aTakenApiPortIsRefusedAndTheStoreIsReleased() throws Exception {
        final FulcrumValve first = runtimeValve();
        first.setProperty("dataDir", "first");
        first.start();
        started = first;

        final FulcrumValve second = runtimeValve();
        second.setProperty("dataDir", "second");
        second.setProperty("apiPort", Integer.toString(first.apiLocalPort()));
        assertThatThrownBy(second::start).isInstanceOf(LifecycleException.class)
                .hasMessageContaining("FulcrumValve: apiBind/apiPort: ")
                .hasMessageContaining("127.0.0.1:" + first.apiLocalPort());

        final FulcrumValve again = runtimeValve();
        again.setProperty("dataDir", dir.resolve("second").toString());
        again.start();
        again.stop();
    }

    @Test
    void refusesBadRuntimeAttributesNamingThem() {
        final FulcrumValve port = runtimeValve();
        port.setProperty("apiPort", "eighty");
        assertThatThrownBy(port::start).isInstanceOf(LifecycleException.class)
                .hasMessage("FulcrumValve: apiPort: 'eighty' is not a port number (expected: 0-65535)");

        final FulcrumValve token = runtimeValve();
        token.setProperty("apiToken", "short");
        assertThatThrownBy(token::start).isInstanceOf(LifecycleException.class)
                .hasMessageStartingWith("FulcrumValve: apiToken: not a usable API token");

        final FulcrumValve latitude = runtimeValve();
        latitude.setProperty("latitude", "north");
        latitude.setProperty("longitude", "10");
        assertThatThrownBy(latitude::start).isInstanceOf(LifecycleException.class)
                .hasMessage("FulcrumValve: latitude: 'north' (expected: a number in degrees)");

        final FulcrumValve key = runtimeValve();
        key.setProperty("affinityKey", "c2hvcnQ=");
        assertThatThrownBy(key::start).isInstanceOf(LifecycleException.class)
                .hasMessageStartingWith("FulcrumValve: affinityKey: ");

        final FulcrumValve sessions = runtimeValve();
        sessions.setProperty("affinitySessions", "lots");
        assertThatThrownBy(sessions::start).isInstanceOf(LifecycleException.class)
                .hasMessage("FulcrumValve: affinitySessions: 'lots' is not a count (expected: an integer of at least 1)");

        final FulcrumValve upstream = runtimeValve();
        upstream.setProperty("upstreamIdleTimeout", "never");
        assertThatThrownBy(upstream::start).isInstanceOf(LifecycleException.class)
                .hasMessageStartingWith("FulcrumValve: upstreamIdleTimeout: never (expected:");
        assertThat(dir.resolve("fulcrum-data")).doesNotExist();
    }

    @Test
    void refusesABadUpstreamAttributeWithAGivenRouter() {
        final FulcrumValve valve = valve(dir);
        valve.setRouter(request -> null);
        valve.setProperty("upstreamReadTimeout", "later");

        assertThatThrownBy(valve::start).isInstanceOf(LifecycleException.class)
                .hasMessage("FulcrumValve: upstreamReadTimeout: later "
                            + "(expected: a positive duration such as 19s, 500ms or 15m)");
    }

    @Test
    void withAGivenRouterItStartsAndStopsOnlyItsOwnUpstreamClient() throws Exception {
        final FulcrumValve valve = valve(dir);
        final Router router = request -> null;
        valve.setRouter(router);
        valve.setProperty("upstreamConnectTimeout", "2s");
        valve.setProperty("upstreamMaxThreads", "16");

        valve.start();
        assertThat(valve.fulcrum()).isNull();
        assertThat(valve.apiLocalPort()).isEqualTo(-1);
        valve.stop();
        assertThat(dir.resolve("fulcrum-data")).doesNotExist();
    }
}
