package dev.fulcrum.war;

import dev.fulcrum.metrics.MetricsEndpoint;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.servlet.ApiServlet;
import dev.fulcrum.servlet.MetricsServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The WAR's wiring in a real servlet container: {@link FulcrumContextListener} reads context parameters over
 * environment variables and publishes the runtime; {@link LoadBalancerHostFilter} sends a load balancer's host to
 * the proxy servlet even on the API's path. The proxy servlet itself lives in jetty-module: a named stand-in that
 * answers who it is takes its place here.
 */
class FulcrumContextListenerTest {

    private static final String TOKEN = "listener-test-token-0123456789";

    @TempDir
    Path dir;

    private Server server;
    private ServletContextHandler context;
    private final HttpClient client = new HttpClient();

    @BeforeEach
    void startClient() throws Exception {
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        client.stop();
    }

    /** The web.xml of dist/war, with the stand-in proxy servlet. */
    private void start(Map<String, String> parameters, Map<String, String> environment) throws Exception {
        server = new Server();
        final ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        context = new ServletContextHandler("/");
        parameters.forEach(context::setInitParameter);
        context.addEventListener(new FulcrumContextListener(environment));
        final FilterHolder filter = new FilterHolder(LoadBalancerHostFilter.class);
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/client/v4/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        context.addFilter(filter, MetricsEndpoint.PATH, EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(LoadBalancerHostFilter.DEFAULT_PROXY_SERVLET, new StandInProxy()),
                "/*");
        context.addServlet(ApiServlet.class, "/client/v4/*");
        context.addServlet(MetricsServlet.class, MetricsEndpoint.PATH);
        server.setHandler(context);
        server.start();
    }

    private int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private ContentResponse send(HttpMethod method, String host, String path, String body) throws Exception {
        var request = client.newRequest("127.0.0.1", port()).method(method).path(path)
                .headers(h -> h.put(HttpHeader.HOST, host).put(HttpHeader.AUTHORIZATION, "Bearer " + TOKEN))
                .timeout(10, TimeUnit.SECONDS);
        if (body != null) {
            request = request.body(new StringRequestContent("application/json", body));
        }
        return request.send();
    }

    private String resultId(ContentResponse response) {
        assertThat(response.getStatus()).as(response.getContentAsString()).isBetween(200, 299);
        final Matcher id = Pattern.compile("\"result\":\\{.*?\"id\":\"([0-9a-f]{32})\"")
                .matcher(response.getContentAsString());
        assertThat(id.find()).as(response.getContentAsString()).isTrue();
        return id.group(1);
    }

    @Test
    void publishesTheRuntimeAndServesTheApiWithParametersOverTheEnvironment() throws Exception {
        start(Map.of("fulcrum.data-dir", dir.resolve("params").toString(), "fulcrum.api-token", TOKEN),
                Map.of("FULCRUM_DATA_DIR", dir.resolve("env").toString(), "FULCRUM_POP", "LAX"));
        final Object fulcrum = context.getServletContext().getAttribute(FulcrumContextListener.FULCRUM_ATTRIBUTE);
        assertThat(fulcrum).isInstanceOf(Fulcrum.class);
        final FulcrumSettings settings = ((Fulcrum) fulcrum).settings();
        assertThat(settings.dataDir()).isEqualTo(dir.resolve("params"));
        assertThat(settings.routing().pop()).isEqualTo("LAX");
        assertThat(context.getServletContext().getAttribute(FulcrumContextListener.ROUTER_ATTRIBUTE))
                .isInstanceOf(SnapshotRouter.class);
        assertThat(Files.isDirectory(dir.resolve("params"))).isTrue();
        assertThat(dir.resolve("env")).doesNotExist();

        final ContentResponse accounts = send(HttpMethod.GET, "localhost", "/client/v4/accounts", null);
        assertThat(accounts.getStatus()).isEqualTo(200);
        assertThat(accounts.getContentAsString()).contains("\"success\":true");
        assertThat(send(HttpMethod.GET, "localhost", "/elsewhere", null).getContentAsString())
                .isEqualTo("stand-in proxy for localhost");

        server.stop();
        assertThat(context.getServletContext().getAttribute(FulcrumContextListener.FULCRUM_ATTRIBUTE)).isNull();
        assertThat(((Fulcrum) fulcrum).isRunning()).isFalse();
    }

    @Test
    void servesTheScrapeForOtherHostsAndRunsTheUpstreamCallbacksOnItsSelector() throws Exception {
        start(Map.of("fulcrum.data-dir", dir.toString(), "fulcrum.api-token", TOKEN), Map.of());

        final ContentResponse scrape = send(HttpMethod.GET, "localhost", MetricsEndpoint.PATH, null);
        assertThat(scrape.getStatus()).isEqualTo(200);
        assertThat(scrape.getContentAsString()).contains("# TYPE jvm_threads_live_threads gauge");
        final Fulcrum fulcrum = (Fulcrum) context.getServletContext()
                .getAttribute(FulcrumContextListener.FULCRUM_ATTRIBUTE);
        assertThat(fulcrum.settings().upstream().nonBlocking()).isTrue();
        assertThat(fulcrum.settings().upstream().selectors()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(fulcrum.settings().metricsPublic()).isFalse();

        server.stop();
        assertThat(context.getServletContext().getAttribute(MetricsServlet.ENDPOINT_ATTRIBUTE)).isNull();
    }

    @Test
    void aLoadBalancersHostIsProxiedEvenOnTheApiPath() throws Exception {
        start(Map.of("fulcrum.data-dir", dir.toString(), "fulcrum.api-token", TOKEN), Map.of());
        final String account = send(HttpMethod.GET, "localhost", "/client/v4/accounts", null).getContentAsString()
                .replaceAll("(?s).*?\"id\":\"([0-9a-f]{32})\".*", "$1");
        final String zone = resultId(send(HttpMethod.POST, "localhost", "/client/v4/zones",
                "{\"name\":\"example.test\",\"account\":{\"id\":\"" + account + "\"}}"));
        final String pool = resultId(send(HttpMethod.POST, "localhost", "/client/v4/accounts/" + account
                + "/load_balancers/pools", "{\"name\":\"p\",\"origins\":[{\"name\":\"o\",\"address\":\"127.0.0.1\"}]}"));
        resultId(send(HttpMethod.POST, "localhost", "/client/v4/zones/" + zone + "/load_balancers",
                "{\"name\":\"www.example.test\",\"default_pools\":[\"" + pool + "\"],\"fallback_pool\":\"" + pool
                        + "\"}"));

        assertThat(send(HttpMethod.GET, "www.example.test:80", "/client/v4/accounts", null).getContentAsString())
                .isEqualTo("stand-in proxy for www.example.test:80");
        assertThat(send(HttpMethod.GET, "other.example.test", "/client/v4/accounts", null).getContentAsString())
                .contains("\"success\":true");
        assertThat(send(HttpMethod.GET, "www.example.test", MetricsEndpoint.PATH, null).getContentAsString())
                .as("and on the scrape's path").isEqualTo("stand-in proxy for www.example.test");
    }

    @Test
    void relativeDataDirIsUnderTheServerBaseAndTheDefaultIsFulcrumData() {
        final Path base = dir.resolve("base");
        assertThat(FulcrumContextListener.settings(parameters(Map.of("fulcrum.data-dir", "state/lb")), Map.of(), base)
                .dataDir()).isEqualTo(base.resolve("state/lb"));
        assertThat(FulcrumContextListener.settings(parameters(Map.of()), Map.of(), base).dataDir())
                .isEqualTo(base.resolve("fulcrum-data"));
        assertThat(FulcrumContextListener.settings(parameters(Map.of()), Map.of("FULCRUM_DATA_DIR", "/srv/fulcrum"),
                base).dataDir()).isEqualTo(Path.of("/srv/fulcrum"));
        // Parameters that are not Fulcrum's belong to someone else.
        assertThat(FulcrumContextListener.settings(parameters(Map.of("org.example.colour", "blue")), Map.of(), base)
                .dataDir()).isEqualTo(base.resolve("fulcrum-data"));
    }

    @Test
    void aRelativeOriginCaFileIsUnderTheServerBaseAndNamedAsAContextParameter() {
        final Path base = dir.resolve("base");
        final FulcrumSettings relative = FulcrumContextListener.settings(
                parameters(Map.of("fulcrum.origin-ca", "ca/origins.pem")), Map.of(), base);
        assertThat(relative.originCa()).isEqualTo(base.resolve("ca/origins.pem"));
        assertThat(relative.originCaSetting()).isEqualTo("context parameter fulcrum.origin-ca (or FULCRUM_ORIGIN_CA)");
        assertThat(FulcrumContextListener.settings(parameters(Map.of()), Map.of("FULCRUM_ORIGIN_CA", "/etc/ca.pem"),
                base).originCa()).isEqualTo(Path.of("/etc/ca.pem"));
        assertThat(FulcrumContextListener.settings(parameters(Map.of()), Map.of(), base).originCa()).isNull();
    }

    private static jakarta.servlet.ServletContext parameters(Map<String, String> parameters) {
        final ServletContextHandler unstarted = new ServletContextHandler();
        parameters.forEach(unstarted::setInitParameter);
        return unstarted.getServletContext();
    }

    @Test
    void aBadParameterFailsTheDeploymentNamingIt() {
        assertThatThrownBy(() -> start(Map.of("fulcrum.data-dir", dir.toString(),
                "fulcrum.upstream-connect-timeout", "soon"), Map.of()))
                .hasMessageContaining("context parameter fulcrum.upstream-connect-timeout: ")
                .hasMessageContaining("soon");
    }

    @Test
    void anUnknownOrListeningParameterFailsTheDeploymentNamingIt() throws Exception {
        assertThatThrownBy(() -> start(Map.of("fulcrum.data-dir", dir.toString(), "fulcrum.colour", "blue"),
                Map.of())).hasMessageContaining("context parameter fulcrum.colour: unknown setting");
        server.stop();
        assertThatThrownBy(() -> start(Map.of("fulcrum.data-dir", dir.toString(), "fulcrum.api-port", "9000"),
                Map.of())).hasMessageContaining("context parameter fulcrum.api-port: not used by the WAR");
    }

    @Test
    void eachKindOfValueIsReadFromItsContextParameterThroughTheSettingsTable() {
        final Path base = dir.resolve("base");
        final FulcrumSettings s = FulcrumContextListener.settings(parameters(Map.of(
                "fulcrum.metrics-public", "yes", "fulcrum.upstream-read-timeout", "90s",
                "fulcrum.upstream-replay-buffer", "64KiB", "fulcrum.affinity-sessions", "250",
                "fulcrum.data-dir", "state", "fulcrum.pop", "ams")), Map.of("FULCRUM_ACCESS_LOG", "on"), base);
        assertThat(s.metricsPublic()).isTrue();
        assertThat(s.accessLog()).isTrue();
        assertThat(s.upstream().readTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(s.upstream().replayBufferBytes()).isEqualTo(65536);
        assertThat(s.affinitySessions()).isEqualTo(250);
        assertThat(s.dataDir()).isEqualTo(base.resolve("state"));
        assertThat(s.routing().pop()).isEqualTo("AMS");
        assertThat(FulcrumContextListener.settings(parameters(Map.of("fulcrum.access-log", "")),
                Map.of("FULCRUM_ACCESS_LOG", "on"), base).accessLog()).as("empty: the default").isFalse();
    }

    @Test
    void aBadValueIsRefusedNamingTheContextParameterOrTheVariable() {
        final Path base = dir.resolve("base");
        assertThatThrownBy(() -> FulcrumContextListener.settings(parameters(Map.of(
                "fulcrum.upstream-connect-timeout", "5")), Map.of(), base))
                .isInstanceOf(FulcrumSettings.InvalidSettingException.class)
                .hasMessageStartingWith("context parameter fulcrum.upstream-connect-timeout: 5 has no unit");
        assertThatThrownBy(() -> FulcrumContextListener.settings(parameters(Map.of()),
                Map.of("FULCRUM_METRICS_JMX", "perhaps"), base))
                .hasMessage("FULCRUM_METRICS_JMX: 'perhaps' is not a switch value (expected: true or false)");
        assertThatThrownBy(() -> FulcrumContextListener.settings(parameters(Map.of(
                "fulcrum.upstream-replay-buffer", "64KB")), Map.of(), base))
                .hasMessageStartingWith("context parameter fulcrum.upstream-replay-buffer: '64KB' is not a size");
        assertThatThrownBy(() -> FulcrumContextListener.settings(parameters(Map.of("fulcrum.latitude", "95",
                "fulcrum.longitude", "0")), Map.of(), base))
                .hasMessageStartingWith("context parameter fulcrum.latitude: 95.0 (expected: -90..90)");
        assertThatThrownBy(() -> FulcrumContextListener.settings(parameters(Map.of(
                "fulcrum.upstream-selectors", "4")), Map.of(), base))
                .hasMessageStartingWith("context parameter fulcrum.upstream-selectors: not used by the WAR (");
        // The listening addresses' variables belong to the standalone: the WAR leaves them alone.
        assertThat(FulcrumContextListener.settings(parameters(Map.of()), Map.of("FULCRUM_API_PORT", "none"), base)
                .apiPort()).isEqualTo(FulcrumSettings.DEFAULT_API_PORT);
    }

    @Test
    void trustedProxiesAreRefusedPointingToTheContainersMechanism() {
        final Path base = dir.resolve("base");
        assertThatThrownBy(() -> FulcrumContextListener.settings(parameters(Map.of("fulcrum.trusted-proxies",
                "10.0.0.0/8")), Map.of(), base))
                .hasMessageStartingWith("context parameter fulcrum.trusted-proxies (or FULCRUM_TRUSTED_PROXIES): not "
                        + "used by the WAR")
                .hasMessageContaining("RemoteIpValve");
        assertThatThrownBy(() -> FulcrumContextListener.settings(parameters(Map.of()),
                Map.of("FULCRUM_TRUSTED_PROXIES", "10.0.0.0/8"), base))
                .hasMessageContaining("not used by the WAR");
    }

    /** Stands in for FulcrumProxyServlet: says which host it was given. */
    private static final class StandInProxy extends HttpServlet {

        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print("stand-in proxy for " + req.getHeader("Host"));
        }
    }
}
