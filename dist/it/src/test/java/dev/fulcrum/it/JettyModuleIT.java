package dev.fulcrum.it;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README "Jetty module": the bundle unpacked into a fresh $JETTY_BASE of the real jetty-home, enabled with
 * {@code --add-modules}, next to a static webapp of the server's own. Jetty's two runs: the first configures the
 * base (and exits), the second serves.
 */
class JettyModuleIT extends ServerUnderTest {

    private static final Pattern TOKEN = Pattern.compile("Fulcrum generated an API token; .*: (\\S+)");

    /**
     * README "HTTP/2 and TLS", Jetty module: Jetty's own {@code https}, {@code http2} and {@code http2c} modules
     * (with {@code ssl}) next to Fulcrum's; Fulcrum's handler serves whatever connector and protocol a request came
     * by.
     */
    @Test
    void theModuleServesHttp2AndTlsThroughJettysOwnModules() throws Exception {
        final Path base = Distribution.workDir("jetty-base-h2");
        Distribution.run(base, Map.of(), "tar", "-xzf", Distribution.jettyBundle().toString(), "-C", base.toString());
        Jettys.addModules(base, "http,https,http2,http2c,ee10-deploy,fulcrum");
        final var certificate = Http2Check.certificate(base);
        Files.copy(certificate.keyStore(), base.resolve("etc/keystore.p12"));
        Files.writeString(base.resolve("start.d/ssl.ini"), "jetty.sslContext.keyStorePassword="
                + dev.fulcrum.testing.SelfSignedCertificate.PASSWORD + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.writeString(base.resolve("start.d/fulcrum.ini"), "fulcrum.api.host=127.0.0.1\nfulcrum.api.port=0\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        server = Jettys.run(base, Map.of(), "jetty.ssl.host=127.0.0.1", "jetty.ssl.port=0");
        final int port = Jettys.awaitStarted(server);
        final int tlsPort = server.loggedPort(Jettys.TLS_CONNECTOR);
        final Matcher token = TOKEN.matcher(server.log());
        assertThat(token.find()).as(server.log()).isTrue();
        final Api api = new Api("http://127.0.0.1:" + server.loggedPort(Jettys.connectorStarted("fulcrum-api"))
                + "/client/v4", token.group(1));

        try (Origin h2 = new Origin("h2")) {
            Http2Check.serves(api, h2, port, tlsPort, certificate);
        }
        GrpcCheck.serves(api, port);
        assertThat(server.stop()).isIn(0, 143);
        assertThat(server.log()).doesNotContain("Exception").doesNotContain(":ERROR:");
    }

    @Test
    void theModuleServesLoadBalancersInFrontOfTheServersOwnContexts() throws Exception {
        final Path base = Distribution.workDir("jetty-base");
        Distribution.run(base, Map.of(), "tar", "-xzf", Distribution.jettyBundle().toString(), "-C", base.toString());
        final String added = Jettys.addModules(base, "http,ee10-deploy,fulcrum");
        assertThat(added).contains("fulcrum").contains("initialized in ${jetty.base}/start.d/fulcrum.ini");
        final Path ini = base.resolve("start.d/fulcrum.ini");
        assertThat(Files.readString(ini)).contains("# fulcrum.api.port=8081").contains("# fulcrum.data.dir=");
        assertThat(base.resolve("fulcrum-data")).isDirectory();

        // The operator's settings, as README shows them: uncommented keys at the end of start.d/fulcrum.ini. Port 0:
        // Jetty binds any free port and logs it (the test must not pick one that another process can take first).
        Files.writeString(ini, "fulcrum.api.host=127.0.0.1\nfulcrum.api.port=0\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.createDirectories(base.resolve("webapps/site"));
        Files.writeString(base.resolve("webapps/site/index.html"), "jetty's own site\n");

        server = Jettys.run(base, Map.of());
        final int port = Jettys.awaitStarted(server);
        final String log = server.log();
        final Matcher token = TOKEN.matcher(log);
        assertThat(token.find()).as(log).isTrue();
        // The API's own connector, on the configured host (the pattern requires 127.0.0.1).
        final int apiPort = server.loggedPort(Jettys.connectorStarted("fulcrum-api"));

        final Api api = new Api("http://127.0.0.1:" + apiPort + "/client/v4", token.group(1));
        new LoadBalancingScenario(api, port, "/site/index.html", "/site/index.html",
                new LoadBalancingScenario.Own(200, "jetty's own site")).run(a, b);
        WebSocketCheck.tunnels(api, port);
        final LoadBalancingScenario probe = new LoadBalancingScenario(api, port, "/", "/", null);
        // The API is only on its own connector, and that connector serves nothing of the server's.
        assertThat(probe.get("127.0.0.1", "/client/v4/accounts").statusCode()).isEqualTo(404);
        assertThat(new LoadBalancingScenario(api, apiPort, "/", "/", null).get("127.0.0.1", "/site/index.html")
                .body()).doesNotContain("jetty's own site");

        LogLines.dashboardServed("http://127.0.0.1:" + apiPort);

        assertThat(server.stop()).isIn(0, 143);
        assertThat(server.log()).doesNotContain("Exception").doesNotContain(":ERROR:");
        LogLines.started(server.log(), LogLines.JETTY, "dfr\\.Fulcrum:[^:]+",
                base.resolve("fulcrum-data").toAbsolutePath().toString());
        LogLines.changedAndStopped(server.log(), LogLines.JETTY, "dfa\\.ConfigChangeLog:[^:]+", token.group(1));
    }
}
