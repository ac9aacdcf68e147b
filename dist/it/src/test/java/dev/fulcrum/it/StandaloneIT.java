package dev.fulcrum.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Standalone": {@code java -jar fulcrum-standalone-VERSION.jar}, its own proxy and API ports. */
class StandaloneIT extends ServerUnderTest {

    private static final String TOKEN = "standalone-it-token-0123456789";
    /** The ready line, naming the ports bound: proxy (group 1) and API (group 2), both on 127.0.0.1. */
    static final Pattern READY = Pattern.compile(
            "Fulcrum ready: proxy http://127\\.0\\.0\\.1:(\\d+) api http://127\\.0\\.0\\.1:(\\d+)/client/v4");

    /** The ready line with a TLS listener: proxy (group 1), https (group 2) and API (group 3). */
    private static final Pattern READY_TLS = Pattern.compile("Fulcrum ready: proxy http://127\\.0\\.0\\.1:(\\d+) "
            + "https://127\\.0\\.0\\.1:(\\d+) api http://127\\.0\\.0\\.1:(\\d+)/client/v4");

    /**
     * Starts the standalone as {@link #server} on port 0 for both listeners and waits until it is ready: it binds
     * any free ports and prints them (a port picked beforehand could be taken by another process before the server
     * binds it). Each start gets ports of its own.
     */
    private Ports start(Path dir) throws Exception {
        server = ServerProcess.start("standalone", dir, Map.of("FULCRUM_API_TOKEN", TOKEN), List.of(
                Distribution.java(), "-jar", Distribution.standaloneJar().toString(), "--bind", "127.0.0.1",
                "--port", "0", "--api-port", "0", "--data-dir", dir.resolve("fulcrum-data").toString()));
        final MatchResult ready = server.awaitLog(READY);
        return new Ports(Integer.parseInt(ready.group(1)), Integer.parseInt(ready.group(2)));
    }

    /** The ports one run of the standalone bound. */
    private record Ports(int proxy, int apiPort) {

        Api api() {
            return new Api("http://127.0.0.1:" + apiPort + "/client/v4", TOKEN);
        }
    }

    @Test
    void servesHttp2OverTlsWithCertificatesFromADirectoryAndH2cOnThePlainPort() throws Exception {
        final Path dir = Distribution.workDir("standalone-tls");
        final Path certs = Files.createDirectories(dir.resolve("certs"));
        final var certificate = Http2Check.certificate(dir);
        certificate.writePem(certs.resolve(Http2Check.HOST + ".crt"), certs.resolve(Http2Check.HOST + ".key"));
        server = ServerProcess.start("standalone", dir, Map.of("FULCRUM_API_TOKEN", TOKEN), List.of(
                Distribution.java(), "-jar", Distribution.standaloneJar().toString(), "--bind", "127.0.0.1",
                "--port", "0", "--api-port", "0", "--tls-port", "0", "--tls-cert-dir", certs.toString(),
                "--data-dir", dir.resolve("fulcrum-data").toString()));
        final MatchResult ready = server.awaitLog(READY_TLS);
        final Api api = new Api("http://127.0.0.1:" + ready.group(3) + "/client/v4", TOKEN);

        try (Origin h2 = new Origin("h2")) {
            Http2Check.serves(api, h2, Integer.parseInt(ready.group(1)), Integer.parseInt(ready.group(2)),
                    certificate);
        }
        GrpcCheck.serves(api, Integer.parseInt(ready.group(1)));
        assertThat(server.stop()).isEqualTo(143);
        assertThat(server.log()).doesNotContain("Exception").doesNotContain("ERROR");
    }

    @Test
    void servesLoadBalancersFromTheApiAndStopsCleanly() throws Exception {
        final Path dir = Distribution.workDir("standalone");
        final Ports first = start(dir);
        final int port = first.proxy();
        final Api api = first.api();
        new LoadBalancingScenario(api, port, "/shop/cart", "/shop/cart", new LoadBalancingScenario.Own(404, ""))
                .run(a, b);
        WebSocketCheck.tunnels(api, port);
        // The API is not on the proxy port.
        assertThat(new LoadBalancingScenario(api, port, "/", "/", null).get("127.0.0.1", "/client/v4/accounts")
                .statusCode()).isEqualTo(404);

        LogLines.dashboardServed("http://127.0.0.1:" + first.apiPort());

        // SIGTERM: the shutdown hook stops Jetty and closes the store; the JVM reports the signal (128 + 15).
        assertThat(server.stop()).isEqualTo(143);
        assertThat(server.log()).doesNotContain("Exception").doesNotContain("ERROR");
        LogLines.started(server.log(), LogLines.ONE_LINE, "dev\\.fulcrum\\.runtime\\.Fulcrum",
                dir.resolve("fulcrum-data").toAbsolutePath().toString());
        LogLines.changedAndStopped(server.log(), LogLines.ONE_LINE, "dev\\.fulcrum\\.api\\.ConfigChangeLog", TOKEN);

        // What the API wrote survives the restart (each run on ports of its own).
        Api restarted = start(dir).api();
        assertThat(restarted.send("GET", "/accounts", null).body()).contains("\"name\":\"Fulcrum\"");
        final Api.LoadBalancer lb = restarted.createLoadBalancer("shop.example.org", List.of(a));
        assertThat(server.stop()).isEqualTo(143);
        final Ports last = start(dir);
        restarted = last.api();
        final LoadBalancingScenario probe = new LoadBalancingScenario(restarted, last.proxy(), "/", "/", null);
        assertThat(probe.get("shop.example.org", "/kept").body()).isEqualTo("origin a");
        restarted.delete(lb);
    }
}
