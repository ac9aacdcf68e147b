package dev.fulcrum.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README "WAR": the same WAR deployed as ROOT.war into the real Jetty (ee10-deploy) and each real Tomcat, next to a
 * static webapp of the server's own at /site. The WAR serves load balancers and the API in its context; other
 * contexts keep their paths; a host that is no load balancer's gets 404 in the WAR's context.
 */
class WarIT extends ServerUnderTest {

    private static final String TOKEN = "war-it-token-0123456789";

    @Test
    void inJetty() throws Exception {
        final Path base = Distribution.workDir("jetty-war");
        Jettys.addModules(base, "http,ee10-deploy");
        Files.copy(Distribution.war(), base.resolve("webapps/ROOT.war"));
        Files.createDirectories(base.resolve("webapps/site"));
        Files.writeString(base.resolve("webapps/site/index.html"), "the server's own site\n");

        // Settings through the environment, as README shows for Jetty.
        server = Jettys.run(base, Map.of("FULCRUM_API_TOKEN", TOKEN));
        final int port = Jettys.awaitStarted(server);
        LogLines.started(server.log(), LogLines.ONE_LINE, "dev\\.fulcrum\\.runtime\\.Fulcrum",
                base.resolve("fulcrum-data").toString());
        LogLines.dashboardServed("http://127.0.0.1:" + port);

        scenario(port);
        // Jetty 12.1's servlet-API upgrade never reads what the client sends: the WAR says so (README).
        WebSocketCheck.refused(new Api("http://127.0.0.1:" + port + "/client/v4", TOKEN), port, 501);
        assertThat(server.stop()).isIn(0, 143);
        assertThat(server.log()).doesNotContain("Exception").doesNotContain(":ERROR:");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fulcrum.it.Tomcats#distributions")
    void inTomcat(Path tomcatHome) throws Exception {
        final Path catalina = Tomcats.fresh(tomcatHome, "tomcat-war");
        Tomcats.editServerXml(catalina, null);
        Distribution.run(catalina, Map.of(), "rm", "-rf", catalina.resolve("webapps/ROOT").toString());
        Files.copy(Distribution.war(), catalina.resolve("webapps/ROOT.war"));
        Files.createDirectories(catalina.resolve("webapps/site"));
        Files.writeString(catalina.resolve("webapps/site/index.html"), "the server's own site\n");
        // Settings as context parameters, as README shows for Tomcat.
        Files.createDirectories(catalina.resolve("conf/Catalina/localhost"));
        Files.writeString(catalina.resolve("conf/Catalina/localhost/ROOT.xml"), "<Context>\n"
                + "  <Parameter name=\"fulcrum.api-token\" value=\"" + TOKEN + "\" override=\"false\"/>\n"
                + "  <Parameter name=\"fulcrum.data-dir\" value=\"lb-data\" override=\"false\"/>\n"
                + "</Context>\n");

        server = Tomcats.run(catalina, Map.of());
        final int port = Tomcats.awaitStarted(server);
        assertThat(catalina.resolve("lb-data/api-token.json")).exists();
        LogLines.started(server.log(), LogLines.JULI, "dev\\.fulcrum\\.runtime\\.Fulcrum",
                catalina.resolve("lb-data").toString());
        LogLines.dashboardServed("http://127.0.0.1:" + port);

        scenario(port);
        WebSocketCheck.tunnels(new Api("http://127.0.0.1:" + port + "/client/v4", TOKEN), port);
        assertThat(server.stop()).isIn(0, 143);
        assertThat(Tomcats.errors(server.log())).isEmpty();
    }

    private void scenario(int port) throws Exception {
        final Api api = new Api("http://127.0.0.1:" + port + "/client/v4", TOKEN);
        // Every host but a load balancer's: /site is the server's own webapp, the WAR's context answers 404.
        new LoadBalancingScenario(api, port, "/cart/items", "/site/index.html",
                new LoadBalancingScenario.Own(200, "the server's own site")).run(a, b);
        final LoadBalancingScenario probe = new LoadBalancingScenario(api, port, "/", "/", null);
        assertThat(probe.get("other.example.test", "/cart/items").statusCode()).isEqualTo(404);

        // A load balancer's host is proxied even on the API's path; any other host reaches the API there.
        api.createLoadBalancer("api.example.net", List.of(a));
        assertThat(probe.get("api.example.net", "/client/v4/accounts").body()).isEqualTo("origin a");
        assertThat(a.seen().get(a.seen().size() - 1).path()).isEqualTo("/client/v4/accounts");
        assertThat(api.send("GET", "/accounts", null).statusCode()).isEqualTo(200);
    }
}
