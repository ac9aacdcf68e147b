package dev.fulcrum.it;

import org.junit.jupiter.api.Named;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh copy of the real Tomcat per test, as an operator unpacks it, and the few edits README asks for. Every
 * Tomcat line README supports (11 and 10.1) is a separate distribution; the Tomcat tests run once on each.
 */
final class Tomcats {

    /**
     * The line Tomcat logs when the HTTP connector starts. On port 0 the handler's name reads
     * {@code http-nio-ADDRESS-auto-N-PORT} once bound, and it binds before it starts: group 1 is the port.
     */
    private static final Pattern HTTP_CONNECTOR =
            Pattern.compile("Starting ProtocolHandler \\[\"http-nio-127\\.0\\.0\\.1-auto-\\d+-(\\d+)\"\\]");

    /** The valve's start line, naming the port its API listener bound (group 1), on 127.0.0.1 only. */
    static final Pattern VALVE_API_STARTED =
            Pattern.compile("Fulcrum \\S+ started: node \\S+, store .*, api http://127\\.0\\.0\\.1:(\\d+)/client/v4");

    private Tomcats() {
    }

    /**
     * The unpacked distributions, for {@code @MethodSource("dev.fulcrum.it.Tomcats#distributions")}; each named by
     * its directory ({@code apache-tomcat-VERSION}) so a failure names the version.
     */
    static Stream<Named<Path>> distributions() {
        return Distribution.tomcatHomes().stream().map(home -> Named.of(home.getFileName().toString(), home));
    }

    /** Copies the unpacked distribution {@code home} (CATALINA_HOME = CATALINA_BASE), minus the sample webapps. */
    static Path fresh(Path home, String name) throws Exception {
        final Path dir = Distribution.workDir(name + "-" + home.getFileName());
        final Path catalina = dir.resolve("tomcat");
        Distribution.run(dir, Map.of(), "cp", "-R", home.toString(), catalina.toString());
        // Not Fulcrum's business, only start-up time: the docs, examples and manager apps.
        for (String app : List.of("docs", "examples", "manager", "host-manager")) {
            Distribution.run(dir, Map.of(), "rm", "-rf", catalina.resolve("webapps").resolve(app).toString());
        }
        return catalina;
    }

    /**
     * Loopback only: the HTTP connector at 127.0.0.1 on port 0, no shutdown port (the tests stop Tomcat with
     * SIGTERM); {@code engineLine} (if any) is added as the Engine's first child. Port 0 because a port picked
     * beforehand could be taken by another process before Tomcat binds it: Tomcat binds any free port and
     * {@link #awaitStarted} reads it back from the log.
     */
    static void editServerXml(Path catalina, String engineLine) throws Exception {
        final Path serverXml = catalina.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        xml = replaceRequired(serverXml, xml, "<Server port=\"8005\"", "<Server port=\"-1\"");
        xml = replaceRequired(serverXml, xml, "<Connector port=\"8080\" protocol=\"HTTP/1.1\"",
                "<Connector port=\"0\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
        if (engineLine != null) {
            xml = replaceRequired(serverXml, xml, "<Engine name=\"Catalina\" defaultHost=\"localhost\">",
                    "<Engine name=\"Catalina\" defaultHost=\"localhost\">\n      " + engineLine);
        }
        Files.writeString(serverXml, xml);
    }

    /** The line Tomcat logs when the TLS connector (JSSE) starts; group 1 is the port it bound. */
    static final Pattern TLS_CONNECTOR =
            Pattern.compile("Starting ProtocolHandler \\[\"https-jsse-nio-127\\.0\\.0\\.1-auto-\\d+-(\\d+)\"\\]");

    /**
     * README "HTTP/2 and TLS", Tomcat: HTTP/2 through Tomcat's own {@code Http2Protocol} on the HTTP connector (h2c,
     * after {@link #editServerXml}) and on a TLS connector added at 127.0.0.1, port 0, serving the PEM
     * {@code certificate} and {@code key} (h2 by ALPN).
     */
    static void enableHttp2(Path catalina, Path certificate, Path key) throws Exception {
        final Path serverXml = catalina.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        final String http = "<Connector port=\"0\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"";
        final int at = xml.indexOf(http);
        assertThat(at).as(serverXml.toString()).isNotNegative();
        final int end = xml.indexOf("/>", at);
        final String upgrade = "<UpgradeProtocol className=\"org.apache.coyote.http2.Http2Protocol\"/>";
        xml = xml.substring(0, end) + ">" + upgrade + "</Connector>" + xml.substring(end + 2);
        xml = replaceRequired(serverXml, xml, "<Engine name=\"Catalina\"", "<Connector port=\"0\" "
                + "address=\"127.0.0.1\" protocol=\"org.apache.coyote.http11.Http11NioProtocol\" SSLEnabled=\"true\">"
                + upgrade + "<SSLHostConfig><Certificate certificateFile=\"" + certificate + "\" certificateKeyFile=\""
                + key + "\" type=\"EC\"/></SSLHostConfig></Connector>\n    <Engine name=\"Catalina\"");
        Files.writeString(serverXml, xml);
    }

    /** {@code bin/catalina.sh run}: Tomcat in the foreground, on the Java running the tests. */
    static ServerProcess run(Path catalina, Map<String, String> env) throws Exception {
        final Map<String, String> all = new java.util.HashMap<>(env);
        all.put("JAVA_HOME", System.getProperty("java.home"));
        all.put("CATALINA_HOME", catalina.toString());
        all.put("CATALINA_BASE", catalina.toString());
        return ServerProcess.start("tomcat", catalina, all,
                List.of("sh", catalina.resolve("bin/catalina.sh").toString(), "run"));
    }

    /** Waits until Tomcat has started and returns the port its HTTP connector bound. */
    static int awaitStarted(ServerProcess tomcat) throws Exception {
        // Tomcat starts its connectors before it logs the start-up time.
        tomcat.awaitLog("Server startup in");
        return tomcat.loggedPort(HTTP_CONNECTOR);
    }

    /** SEVERE lines and stack traces, which a clean start and stop never logs. */
    static List<String> errors(String log) {
        return log.lines().filter(l -> l.contains("SEVERE") || l.contains("Exception")).toList();
    }

    private static String replaceRequired(Path file, String text, String from, String to) {
        assertThat(text).as(file.toString()).contains(from);
        return text.replace(from, to);
    }
}
