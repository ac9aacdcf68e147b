package dev.fulcrum.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fulcrum.api.HttpAnswer;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.runtime.Version;
import dev.fulcrum.servlet.ApiServlet;
import dev.fulcrum.servlet.DashboardServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's page as served: the headers that keep it self-contained (CSP), what each path answers, over the
 * JDK's server (the valve) and a servlet container (the standalone, the Jetty module, the WAR); and the assets
 * themselves, which must hold nothing the policy would block.
 */
class DashboardTest {

    private static final String TOKEN = "dashboard-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Dashboard dashboard = new Dashboard();
    private Fulcrum fulcrum;
    private Server jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        if (fulcrum != null) {
            fulcrum.stop();
        }
    }

    @Test
    void eachPathAnswersWithThePolicy() {
        final HttpAnswer page = dashboard.handle("GET", "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(page.headers()).containsEntry("Content-Security-Policy", Dashboard.CONTENT_SECURITY_POLICY)
                .containsEntry("X-Content-Type-Options", "nosniff").containsEntry("X-Frame-Options", "DENY")
                .containsEntry("Referrer-Policy", "no-referrer");
        assertThat(Dashboard.CONTENT_SECURITY_POLICY).contains("default-src 'self'").doesNotContain("unsafe");
        assertThat(dashboard.handle("GET", "/dashboard.js").contentType()).startsWith("text/javascript");
        assertThat(dashboard.handle("GET", "/dashboard.css").contentType()).startsWith("text/css");
        assertThat(dashboard.handle("HEAD", "/favicon.svg").contentType()).isEqualTo("image/svg+xml");

        final HttpAnswer bare = dashboard.handle("GET", "");
        assertThat(bare.status()).isEqualTo(302);
        assertThat(bare.headers()).containsEntry("Location", "dashboard/");
        assertThat(dashboard.handle("GET", "/../version.properties").status()).isEqualTo(404);
        assertThat(dashboard.handle("GET", "/index.htm").status()).isEqualTo(404);
        final HttpAnswer post = dashboard.handle("POST", "/");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("Allow", "GET, HEAD");
    }

    @Test
    void theAssetsHoldNothingThePolicyBlocksNorLoadAnythingFromElsewhere() {
        final String html = dashboard.handle("GET", "/").bodyText();
        final Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(html);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).as("every script is a file of ours").contains("src=\"dashboard.js\"");
        }
        assertThat(count).isEqualTo(1);
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+=").doesNotContainPattern("(?i)\\sstyle=")
                .doesNotContain("<style").doesNotContain("http://").doesNotContain("https://")
                .doesNotContain("javascript:");
        // The one URL in the script is SVG's namespace name, which is never fetched.
        final String js = dashboard.handle("GET", "/dashboard.js").bodyText().replace("'http://www.w3.org/2000/svg'", "");
        // Values from the API become text, never markup or code.
        assertThat(js).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write").doesNotContain("eval(").doesNotContain("new Function")
                .doesNotContain("setAttribute('style'").doesNotContain(".style.")
                .doesNotContain("http://").doesNotContain("https://");
        final String css = dashboard.handle("GET", "/dashboard.css").bodyText();
        assertThat(css).doesNotContain("@import").doesNotContain("url(");
    }

    @Test
    void anApiListenerServesItBesideTheApiWithTheNodeRoutes() throws Exception {
        fulcrum = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(TOKEN).build()).start();
        // Laid out as every host's API listener is: the API's servlet at /client/v4/* and /, the dashboard's beside.
        jetty = new Server();
        final ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        final ServletContextHandler context = new ServletContextHandler("/");
        final ServletHolder api = new ServletHolder(new ApiServlet(fulcrum.api()));
        context.addServlet(api, "/client/v4/*");
        context.addServlet(api, "/");
        context.addServlet(new ServletHolder(new DashboardServlet(dashboard)), Dashboard.PATH + "/*");
        jetty.setHandler(context);
        jetty.start();
        final String base = "http://127.0.0.1:" + connector.getLocalPort();

        final HttpResponse<String> redirect = get(base + "/dashboard", null);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("dashboard/");
        final HttpResponse<String> page = get(base + "/dashboard/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Dashboard.CONTENT_SECURITY_POLICY);
        assertThat(page.body()).contains("<title>Fulcrum dashboard</title>");
        assertThat(get(base + "/dashboard/dashboard.js", null).body()).contains("fulcrum/status");
        final HttpResponse<String> elsewhere = get(base + "/dashboardx", null);
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("\"code\":7003");

        final HttpResponse<String> status = get(base + "/client/v4/fulcrum/status", TOKEN);
        assertThat(status.statusCode()).isEqualTo(200);
        final JsonNode result = JSON.readTree(status.body()).get("result");
        assertThat(result.get("version").asText()).isEqualTo(Version.current()).isNotBlank();
        assertThat(result.get("node").get("name").asText()).isEqualTo("Fulcrum");
        assertThat(result.get("store").get("data_dir").asText()).isEqualTo(dir.toAbsolutePath().toString());
        assertThat(result.get("store").get("revision").asLong()).isPositive();
        assertThat(result.get("uptime_seconds").asLong()).isNotNegative();
        final HttpResponse<String> traffic = get(base + "/client/v4/fulcrum/traffic", TOKEN);
        assertThat(traffic.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(traffic.body()).get("result").get("interval_seconds").asDouble()).isEqualTo(5.0);
        assertThat(get(base + "/client/v4/fulcrum/status", null).statusCode()).isEqualTo(403);
        assertThat(get(base + "/client/v4/fulcrum/traffic", "wrong-token-0123456789abc").statusCode()).isEqualTo(403);
    }

    @Test
    void theServletServesItTheSame() throws Exception {
        jetty = new Server();
        final ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        final ServletContextHandler context = new ServletContextHandler("/ctx");
        context.addServlet(new ServletHolder(new DashboardServlet(dashboard)), Dashboard.PATH + "/*");
        jetty.setHandler(context);
        jetty.start();
        final String base = "http://127.0.0.1:" + connector.getLocalPort() + "/ctx";

        final HttpResponse<String> redirect = get(base + "/dashboard", null);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(URI.create(base + "/dashboard").resolve(redirect.headers().firstValue("Location").orElseThrow()))
                .hasToString(base + "/dashboard/");
        final HttpResponse<String> page = get(base + "/dashboard/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Dashboard.CONTENT_SECURITY_POLICY);
        assertThat(page.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(dashboard.handle("GET", "/").body());
        assertThat(get(base + "/dashboard/dashboard.css", null).statusCode()).isEqualTo(200);
        assertThat(get(base + "/dashboard/nothing.js", null).statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
