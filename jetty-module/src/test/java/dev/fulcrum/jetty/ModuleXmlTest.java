package dev.fulcrum.jetty;

import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.testing.ApiCalls;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.DefaultHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code etc/fulcrum.xml} (as filtered into target/config) applied to a server laid out like Jetty's own
 * {@code jetty.xml}: contexts, a default handler, one public connector. Fulcrum must take load-balancer hosts and
 * its API connector, and leave every other request to the server's own context.
 */
class ModuleXmlTest {

    private static final Path MODULE_XML = Path.of("target/config/etc/fulcrum.xml");
    private static final String TOKEN = "module-xml-test-token-0123456789";
    private static final String LB_HOST = "www.example.test";

    @TempDir
    Path base;

    private Server server;
    private ServerConnector http;
    private final HttpClient client = new HttpClient();
    private LoopbackOrigin origin;

    @BeforeEach
    void startClient() throws Exception {
        client.setFollowRedirects(false);
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        client.stop();
        if (origin != null) {
            origin.close();
        }
    }

    /** A server like jetty-home's: a context collection holding the site's own context, and a default handler. */
    private Server siteServer() {
        final Server s = new Server();
        http = new ServerConnector(s);
        http.setHost("127.0.0.1");
        http.setPort(0);
        s.addConnector(http);
        final ContextHandler site = new ContextHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.write(true, StandardCharsets.UTF_8.encode("site " + Request.getPathInContext(request)),
                        callback);
                return true;
            }
        }, "/site");
        s.setHandler(new ContextHandlerCollection(site));
        s.setDefaultHandler(new DefaultHandler());
        return s;
    }

    private void configure(Server s, Map<String, String> extra) throws Exception {
        final XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(MODULE_XML));
        xml.getIdMap().put("Server", s);
        final Map<String, String> properties = new HashMap<>();
        properties.put("jetty.base", base.toString());
        properties.put("fulcrum.api.host", "127.0.0.1");
        properties.put("fulcrum.api.port", "0");
        properties.put("fulcrum.api.token", TOKEN);
        properties.putAll(extra);
        xml.getProperties().putAll(properties);
        xml.configure(s);
    }

    private int apiPort() {
        return Arrays.stream(server.getConnectors()).map(ServerConnector.class::cast)
                .filter(c -> "fulcrum-api".equals(c.getName())).findFirst().orElseThrow().getLocalPort();
    }

    private ContentResponse get(int port, String host, String path) throws Exception {
        return client.newRequest("127.0.0.1", port).path(path).headers(h -> h.put(HttpHeader.HOST, host))
                .timeout(10, TimeUnit.SECONDS).send();
    }

    @Test
    void loadBalancerHostsGoToFulcrumAndEveryOtherHostToTheServersOwnContexts() throws Exception {
        origin = LoopbackOrigin.start("o1");
        server = siteServer();
        configure(server, Map.of());
        server.start();
        assertThat(server.getHandler()).isInstanceOf(FulcrumHandler.class);
        assertThat(Files.isDirectory(base.resolve("fulcrum-data"))).isTrue();

        final ApiCalls api = new ApiCalls("http://127.0.0.1:" + apiPort() + "/client/v4", TOKEN);
        // Before any load balancer exists, every host is the site's.
        assertThat(get(http.getLocalPort(), LB_HOST, "/site/a").getContentAsString()).isEqualTo("site /a");
        api.createLoadBalancer(LB_HOST, "127.0.0.1", origin.port());

        final ContentResponse proxied = get(http.getLocalPort(), LB_HOST, "/site/a?x=1");
        assertThat(proxied.getStatus()).isEqualTo(200);
        assertThat(proxied.getContentAsString()).isEqualTo("origin:o1");
        assertThat(origin.lastRequest().path()).isEqualTo("/site/a");
        assertThat(get(http.getLocalPort(), "WWW.example.test:8080", "/").getContentAsString()).isEqualTo("origin:o1");

        // Another host: the site's context, or the server's default handler; never the origin.
        final int seen = origin.requestCount();
        assertThat(get(http.getLocalPort(), "other.example.test", "/site/b").getContentAsString())
                .isEqualTo("site /b");
        assertThat(get(http.getLocalPort(), "other.example.test", "/nothing").getStatus()).isEqualTo(404);
        // The API is not served on the public connector, whatever the host.
        assertThat(get(http.getLocalPort(), "127.0.0.1", "/client/v4/accounts").getStatus()).isEqualTo(404);
        assertThat(origin.requestCount()).isEqualTo(seen);
    }

    @Test
    void trustedProxiesNameTheClientBehindThem() throws Exception {
        origin = LoopbackOrigin.start("o1");
        server = siteServer();
        configure(server, Map.of("fulcrum.trustedProxies", "10.0.0.0/8, 127.0.0.1"));
        server.start();
        new ApiCalls("http://127.0.0.1:" + apiPort() + "/client/v4", TOKEN)
                .createLoadBalancer(LB_HOST, "127.0.0.1", origin.port());

        final ContentResponse proxied = client.newRequest("127.0.0.1", http.getLocalPort()).path("/")
                .headers(h -> h.put(HttpHeader.HOST, LB_HOST).put("X-Forwarded-For", "203.0.113.7"))
                .timeout(10, TimeUnit.SECONDS).send();
        assertThat(proxied.getStatus()).isEqualTo(200);
        assertThat(origin.lastRequest().headerValues("CF-Connecting-IP")).containsExactly("203.0.113.7");
        assertThat(origin.lastRequest().headerValues("X-Forwarded-For")).containsExactly("203.0.113.7, 127.0.0.1");

        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.trustedProxies", "10.0.0.0/33")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.trustedProxies: '10.0.0.0/33' is not an IP "
                        + "address or CIDR range"));
    }

    @Test
    void theUpstreamClientIsTunedForTheCoreProxyHandler() throws Exception {
        server = siteServer();
        configure(server, Map.of());
        server.start();
        final UpstreamSettings upstream = ((FulcrumHandler) server.getHandler()).getBean(FulcrumLifeCycle.class)
                .fulcrum().settings().upstream();
        assertThat(upstream.nonBlocking()).isTrue();
        assertThat(upstream.selectors()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void theApiConnectorServesOnlyTheApi() throws Exception {
        server = siteServer();
        configure(server, Map.of());
        server.start();
        final ContentResponse accounts = client.newRequest("127.0.0.1", apiPort()).path("/client/v4/accounts")
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + TOKEN)).send();
        assertThat(accounts.getStatus()).isEqualTo(200);
        assertThat(accounts.getContentAsString()).contains("\"success\":true");
        assertThat(get(apiPort(), "localhost", "/client/v4/accounts").getStatus()).isEqualTo(403);
        // The site's own context is not reachable through the API port.
        final ContentResponse site = get(apiPort(), "localhost", "/site/a");
        assertThat(site.getStatus()).isEqualTo(404);
        assertThat(site.getContentAsString()).doesNotContain("site /a").contains("\"success\":false");
    }

    @Test
    void relativeDataDirIsUnderJettyBaseAndStopReleasesIt() throws Exception {
        server = siteServer();
        configure(server, Map.of("fulcrum.data.dir", "state/lb"));
        server.start();
        assertThat(Files.isDirectory(base.resolve("state/lb"))).isTrue();
        server.stop();
        // The store is closed with the server: a second server opens the same directory.
        server = siteServer();
        configure(server, Map.of("fulcrum.data.dir", "state/lb"));
        server.start();
        assertThat(server.isStarted()).isTrue();
    }

    @Test
    void anOriginCaFileIsUnderJettyBaseAndAMissingOneFailsTheStartNamingIt() throws Exception {
        server = siteServer();
        configure(server, Map.of("fulcrum.originCa", "ca/origins.pem"));

        assertThatThrownBy(server::start).satisfies(e -> assertThat(messages(e))
                .contains("origin CA file (fulcrum.originCa) " + base.resolve("ca/origins.pem") + ": no such file"));
    }

    @Test
    void aBadPropertyFailsTheConfigurationNamingIt() {
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.upstream.connectTimeout", "soon")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.upstream.connectTimeout: soon (expected:"));
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.api.token", "short")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.api.token: not a usable API token"));
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.affinity.key", "c2hvcnQ=")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.affinity.key: "));
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.affinity.sessions", "0")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.affinity.sessions: '0' is not a count"));
    }

    @Test
    void theApiConnectorServesTheScrapeWithTheApisToken() throws Exception {
        origin = LoopbackOrigin.start("o1");
        server = siteServer();
        configure(server, Map.of());
        server.start();
        new ApiCalls("http://127.0.0.1:" + apiPort() + "/client/v4", TOKEN)
                .createLoadBalancer(LB_HOST, "127.0.0.1", origin.port());
        assertThat(get(http.getLocalPort(), LB_HOST, "/a").getStatus()).isEqualTo(200);

        // The outcome is counted when the exchange completes, which may be just after the client has its answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            final ContentResponse scrape = client.newRequest("127.0.0.1", apiPort()).path("/metrics")
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + TOKEN)).send();
            assertThat(scrape.getStatus()).isEqualTo(200);
            assertThat(scrape.getMediaType()).isEqualTo("text/plain");
            assertThat(scrape.getContentAsString()).containsPattern("fulcrum_origin_requests_total\\{lb=\""
                    + LB_HOST + "\",origin=\"o1\",outcome=\"responded\",[^}]*status=\"2xx\"} 1");
        });
        assertThat(get(apiPort(), "localhost", "/metrics").getStatus()).isEqualTo(403);
        // Not on the public connector: there it is the site's (or the default handler's) path.
        assertThat(get(http.getLocalPort(), "other.example.test", "/metrics").getStatus()).isEqualTo(404);
    }

    @Test
    void theMetricsPropertiesAreReadAndCheckedByName() throws Exception {
        server = siteServer();
        configure(server, Map.of("fulcrum.metrics.public", "true", "fulcrum.accessLog", "true",
                "fulcrum.metrics.jmx", "false"));
        server.start();
        final ContentResponse open = get(apiPort(), "localhost", "/metrics");
        assertThat(open.getStatus()).isEqualTo(200);
        assertThat(open.getContentAsString()).contains("# TYPE jvm_threads_live_threads gauge");
        assertThat(((FulcrumHandler) server.getHandler()).getBean(FulcrumLifeCycle.class).fulcrum().metrics()
                .accessLog()).isNotNull();

        // yes/on are switch values too (as on the command line); anything else is refused, naming the property.
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.metrics.public", "maybe")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.metrics.public: 'maybe' is not a switch "
                        + "value (expected: true or"));
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.accessLog", "sometimes")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.accessLog: 'sometimes'"));
    }

    @Test
    void eachKindOfValueIsReadFromItsPropertyThroughTheSettingsTable() throws Exception {
        server = siteServer();
        configure(server, Map.of("fulcrum.metrics.public", "on", "fulcrum.upstream.readTimeout", "90s",
                "fulcrum.upstream.replayBufferBytes", "1MiB", "fulcrum.affinity.sessions", "250",
                "fulcrum.data.dir", "state", "fulcrum.api.host", "localhost", "fulcrum.accessLog", ""));
        server.start();
        final FulcrumSettings settings = ((FulcrumHandler) server.getHandler()).getBean(FulcrumLifeCycle.class)
                .fulcrum().settings();
        assertThat(settings.metricsPublic()).isTrue();
        assertThat(settings.accessLog()).as("empty: the default").isFalse();
        assertThat(settings.upstream().readTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.upstream().replayBufferBytes()).isEqualTo(1 << 20);
        assertThat(settings.affinitySessions()).isEqualTo(250);
        assertThat(settings.dataDir()).isEqualTo(base.resolve("state"));
        final ServerConnector api = Arrays.stream(server.getConnectors()).map(ServerConnector.class::cast)
                .filter(c -> "fulcrum-api".equals(c.getName())).findFirst().orElseThrow();
        assertThat(api.getHost()).as("the connector takes the runtime's API address").isEqualTo("localhost");
        assertThat(api.getLocalPort()).isPositive();
    }

    @Test
    void aDurationWithoutAUnitOrABadPortFailsTheConfigurationNamingTheProperty() {
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.upstream.connectTimeout", "5")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.upstream.connectTimeout: 5 has no unit "
                        + "(expected: a positive duration such as 19s, 500ms or 15m; units: ms, s, m, h)"));
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.api.port", "eighty")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.api.port: 'eighty' is not a port number "
                        + "(expected: 0-65535)"));
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.upstream.replayBufferBytes", "64KB")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.upstream.replayBufferBytes: '64KB' is not a "
                        + "size"));
    }

    @Test
    void theSlowClientGuardsGoOnTheServersConnectorsButNotTheApis() throws Exception {
        server = siteServer();
        configure(server, Map.of("fulcrum.headerTimeout", "5s", "fulcrum.maxConnectionsPerClient", "3",
                "fulcrum.underscoresInHeaders", "true"));
        server.start();
        assertThat(http.getConnectionFactory(HttpConnectionFactory.class).getClass())
                .isNotEqualTo(HttpConnectionFactory.class);
        final ServerConnector api = Arrays.stream(server.getConnectors()).map(ServerConnector.class::cast)
                .filter(c -> "fulcrum-api".equals(c.getName())).findFirst().orElseThrow();
        assertThat(api.getConnectionFactory(HttpConnectionFactory.class).getClass())
                .isEqualTo(HttpConnectionFactory.class);
        final FulcrumSettings settings = ((FulcrumHandler) server.getHandler()).getBean(FulcrumLifeCycle.class)
                .fulcrum().settings();
        assertThat(settings.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxConnectionsPerClient()).isEqualTo(3);
        assertThat(settings.routing().underscoresInHeaders()).isTrue();

        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.headerTimeout", "soon")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.headerTimeout: soon (expected:"));
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.maxConnectionsPerClient", "-1")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.maxConnectionsPerClient: '-1' is not a limit"));
        assertThatThrownBy(() -> configure(siteServer(), Map.of("fulcrum.underscoresInHeaders", "maybe")))
                .satisfies(e -> assertThat(messages(e)).contains("fulcrum.underscoresInHeaders: 'maybe' is not a switch"));
    }

    @Test
    void withDefaultsTheHeaderDeadlineIsOnAndUnderscoreHeadersAreDropped() throws Exception {
        server = siteServer();
        configure(server, Map.of());
        server.start();
        final FulcrumSettings settings = ((FulcrumHandler) server.getHandler()).getBean(FulcrumLifeCycle.class)
                .fulcrum().settings();
        assertThat(settings.headerTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.maxConnectionsPerClient()).isZero();
        assertThat(settings.routing().underscoresInHeaders()).isFalse();
        assertThat(http.getConnectionFactory(HttpConnectionFactory.class).getClass())
                .isNotEqualTo(HttpConnectionFactory.class);
    }

    @Test
    void onAServerWhoseOwnHandlersNeverBlockTheApiIsStillCalledOffTheSelectors() throws Exception {
        // Jetty's default handler alone is non-blocking: Jetty would call the handler tree on a selector thread,
        // where the API's blocking body read waits for that very selector (a hang, now and then).
        server = new Server();
        http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        server.addConnector(http);
        server.setDefaultHandler(new DefaultHandler());
        configure(server, Map.of());
        server.start();
        assertThat(server.getInvocationType()).isEqualTo(Invocable.InvocationType.BLOCKING);
        final ApiCalls api = new ApiCalls("http://127.0.0.1:" + apiPort() + "/client/v4", TOKEN);
        for (int i = 0; i < 5; i++) {
            assertThat(api.send("POST", "/zones", "{\"name\":\"example" + i + ".test\",\"account\":{\"id\":\"0\"}}")
                    .statusCode()).isEqualTo(400);
        }
    }

    /** XmlConfiguration wraps a setter's exception: the messages of the whole cause chain. */
    private static String messages(Throwable e) {
        final StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void aBadLocationFailsTheStartNamingTheProperty() throws Exception {
        server = siteServer();
        configure(server, Map.of("fulcrum.node.latitude", "north"));
        assertThatThrownBy(server::start).hasMessageContaining("fulcrum.node.latitude");
    }
}
