package dev.fulcrum.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README "Tomcat valve": the self-contained jar in {@code $CATALINA_BASE/lib} of the real Tomcat, one
 * {@code <Valve/>} line in {@code server.xml}, the stock ROOT webapp still serving every other host.
 */
class TomcatValveIT {

    private static final String TOKEN = "valve-it-token-0123456789";

    private Origin a;
    private Origin b;
    private ServerProcess tomcat;

    @BeforeEach
    void origins() throws Exception {
        a = new Origin("a");
        b = new Origin("b");
    }

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        a.close();
        b.close();
    }

    @Test
    void theValveServesLoadBalancersAndPassesEveryOtherHostToTheWebapps() throws Exception {
        final Path catalina = Tomcats.fresh("tomcat-valve");
        final int port = Distribution.freePort();
        final int apiPort = Distribution.freePort();
        Files.copy(Distribution.valveJar(), catalina.resolve("lib").resolve(Distribution.valveJar().getFileName()));
        Tomcats.editServerXml(catalina, port, "<Valve className=\"dev.fulcrum.tomcat.FulcrumValve\" apiBind=\"127.0.0.1\""
                + " apiPort=\"" + apiPort + "\" apiToken=\"" + TOKEN + "\"/>");
        Files.writeString(catalina.resolve("webapps/ROOT/own.txt"), "tomcat's own ROOT\n");

        tomcat = Tomcats.run(catalina, Map.of());
        tomcat.awaitLog("Server startup in");
        assertThat(tomcat.log()).contains("Fulcrum started: data " + catalina.resolve("fulcrum-data"));

        final Api api = new Api("http://127.0.0.1:" + apiPort + "/client/v4", TOKEN);
        new LoadBalancingScenario(api, port, "/own.txt", "/own.txt",
                new LoadBalancingScenario.Own(200, "tomcat's own ROOT")).run(a, b);
        WebSocketCheck.tunnels(api, port);
        // The stock ROOT webapp's JSP still answers a host that is no load balancer's.
        assertThat(new LoadBalancingScenario(api, port, "/", "/", null).get("localhost", "/").body())
                .contains("Apache Tomcat");

        assertThat(tomcat.stop()).isIn(0, 143);
        assertThat(Tomcats.errors(tomcat.log())).isEmpty();
    }
}
