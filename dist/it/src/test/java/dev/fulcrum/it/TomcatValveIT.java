package dev.fulcrum.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README "Tomcat valve": the self-contained jar in {@code $CATALINA_BASE/lib} of the real Tomcat (each supported
 * line), one {@code <Valve/>} line in {@code server.xml}, the stock ROOT webapp still serving every other host, and
 * load balancers served on a Tomcat Host without any webapp too.
 */
class TomcatValveIT extends ServerUnderTest {

    private static final String TOKEN = "valve-it-token-0123456789";
    /** A Tomcat Host with no webapp at all: Tomcat maps its requests to no Context. */
    private static final String BARE_HOST = "www.bare.test";
    /** An alias of that Host, in a zone of its own (the test API makes one zone per load balancer). */
    private static final String BARE_SOCKETS = "ws.bare-sockets.test";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fulcrum.it.Tomcats#distributions")
    void theValveServesHttp2ThroughTomcatsHttp2Protocol(Path tomcatHome) throws Exception {
        final Path catalina = withValve(tomcatHome, "tomcat-valve-h2", "", "");
        final var certificate = Http2Check.certificate(catalina.getParent());
        final Path pem = catalina.resolve("conf/site.crt");
        final Path key = catalina.resolve("conf/site.key");
        certificate.writePem(pem, key);
        Tomcats.enableHttp2(catalina, pem, key);

        server = Tomcats.run(catalina, Map.of());
        final int port = Tomcats.awaitStarted(server);
        final int tlsPort = server.loggedPort(Tomcats.TLS_CONNECTOR);
        final Api api = new Api("http://127.0.0.1:" + server.loggedPort(Tomcats.VALVE_API_STARTED) + "/client/v4", TOKEN);

        try (Origin h2 = new Origin("h2")) {
            Http2Check.serves(api, h2, port, tlsPort, certificate);
        }
        assertThat(server.stop()).isIn(0, 143);
        assertThat(Tomcats.errors(server.log())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fulcrum.it.Tomcats#distributions")
    void theValveServesLoadBalancersAndPassesEveryOtherHostToTheWebapps(Path tomcatHome) throws Exception {
        final Path catalina = withValve(tomcatHome, "tomcat-valve", "", "\n"
                + "      <Host name=\"" + BARE_HOST + "\" appBase=\"bare-apps\" autoDeploy=\"false\"><Alias>"
                + BARE_SOCKETS + "</Alias></Host>");
        Files.createDirectories(catalina.resolve("bare-apps"));
        Files.writeString(catalina.resolve("webapps/ROOT/own.txt"), "tomcat's own ROOT\n");

        server = Tomcats.run(catalina, Map.of());
        final int port = Tomcats.awaitStarted(server);
        LogLines.started(server.log(), LogLines.JULI, "dev\\.fulcrum\\.runtime\\.Fulcrum",
                catalina.resolve("fulcrum-data").toString());
        final int apiPort = server.loggedPort(Tomcats.VALVE_API_STARTED);
        LogLines.dashboardServed("http://127.0.0.1:" + apiPort);

        final Api api = new Api("http://127.0.0.1:" + apiPort + "/client/v4", TOKEN);
        new LoadBalancingScenario(api, port, "/own.txt", "/own.txt",
                new LoadBalancingScenario.Own(200, "tomcat's own ROOT")).run(a, b);
        WebSocketCheck.tunnels(api, port);
        // The stock ROOT webapp's JSP still answers a host that is no load balancer's.
        final LoadBalancingScenario probe = new LoadBalancingScenario(api, port, "/", "/", null);
        assertThat(probe.get("localhost", "/").body()).contains("Apache Tomcat");

        // No Context: the valve forwards with blocking streams and upgrades on the connector itself (TomcatForwarder),
        // where Tomcat 10.1 and 11 call different ContextBind methods. ROOT's own.txt is not found on these hosts:
        // they really map to no webapp.
        assertThat(probe.get(BARE_HOST, "/own.txt").statusCode()).isEqualTo(404);
        assertThat(probe.get(BARE_SOCKETS, "/own.txt").statusCode()).isEqualTo(404);
        final Api.LoadBalancer bare = api.createLoadBalancer(BARE_HOST, List.of(a));
        assertThat(probe.get(BARE_HOST, "/bare").body()).isEqualTo("origin a");
        assertThat(a.seen().get(a.seen().size() - 1).path()).isEqualTo("/bare");
        api.delete(bare);
        WebSocketCheck.tunnels(api, port, BARE_SOCKETS);

        assertThat(server.stop()).isIn(0, 143);
        assertThat(Tomcats.errors(server.log())).isEmpty();
        LogLines.changedAndStopped(server.log(), LogLines.JULI, "dev\\.fulcrum\\.api\\.ConfigChangeLog", TOKEN);
    }

    /**
     * The valve's attributes reach it through Tomcat's {@code setProperty} fallback in every supported Tomcat: an
     * unknown one still gets Tomcat's warning, a bad value stops the start naming the attribute.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fulcrum.it.Tomcats#distributions")
    void anUnknownAttributeIsReportedAndABadValueStopsTheStartNamingTheAttribute(Path tomcatHome) throws Exception {
        final Path catalina = withValve(tomcatHome, "tomcat-valve-attributes",
                " colour=\"blue\" upstreamConnectTimeout=\"5\"", "");

        server = Tomcats.run(catalina, Map.of());
        final String log = server.awaitLog("FulcrumValve: upstreamConnectTimeout: 5 has no unit (expected: a positive "
                + "duration such as 19s, 500ms or 15m; units: ms, s, m, h)");
        assertThat(log).contains("failed to set property [colour] to [blue]");
        assertThat(log).doesNotContain("failed to set property [apiPort]").doesNotContain("Fulcrum started");
    }

    /**
     * A fresh Tomcat with the valve jar in {@code lib/} and the README's {@code <Valve/>} line, plus
     * {@code attributes}, as the Engine's first child, then {@code more} of the Engine. apiPort 0: the valve's API
     * listener binds any free port and the valve logs it.
     */
    private static Path withValve(Path tomcatHome, String name, String attributes, String more) throws Exception {
        final Path catalina = Tomcats.fresh(tomcatHome, name);
        Files.copy(Distribution.valveJar(), catalina.resolve("lib").resolve(Distribution.valveJar().getFileName()));
        Tomcats.editServerXml(catalina, "<Valve className=\"dev.fulcrum.tomcat.FulcrumValve\" apiBind=\"127.0.0.1\""
                + " apiPort=\"0\" apiToken=\"" + TOKEN + "\"" + attributes + "/>" + more);
        return catalina;
    }
}
