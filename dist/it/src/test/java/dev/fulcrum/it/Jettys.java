package dev.fulcrum.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The real jetty-home and a {@code $JETTY_BASE}, in Jetty's two runs: the first configures the base, the second
 * serves it on loopback. The HTTP connector binds port 0, so the kernel hands out a port that is free at the moment
 * of the bind, and the test reads it back from Jetty's own log: a port picked beforehand could be taken by another
 * process before Jetty binds it.
 */
final class Jettys {

    /** Jetty's own HTTP connector (module http), which has no name of its own: the one that speaks HTTP/1.1 first. */
    private static final Pattern HTTP_CONNECTOR = connectorStarted("oejs.ServerConnector", "HTTP/1.1");
    /** Jetty's own TLS connector (modules ssl, https, http2): the one that speaks SSL first. */
    static final Pattern TLS_CONNECTOR = connectorStarted("oejs.ServerConnector", "SSL");

    private Jettys() {
    }

    /** The first run: {@code java -jar start.jar --add-modules=MODULES} in {@code base}; returns its output. */
    static String addModules(Path base, String modules) throws Exception {
        return Distribution.run(base, Map.of(), Distribution.java(), "-jar", startJar(), "--add-modules=" + modules);
    }

    /** The second run: {@code java -jar start.jar} in {@code base}, the HTTP connector on 127.0.0.1 and port 0. */
    static ServerProcess run(Path base, Map<String, String> env, String... properties) throws Exception {
        final List<String> command = new java.util.ArrayList<>(List.of(Distribution.java(), "-jar", startJar(),
                "jetty.http.host=127.0.0.1", "jetty.http.port=0"));
        command.addAll(List.of(properties));
        return ServerProcess.start("jetty", base, env, command);
    }

    /** Waits until the server has started and returns the port its HTTP connector bound. */
    static int awaitStarted(ServerProcess jetty) throws Exception {
        // Jetty starts its connectors before it logs that the server started.
        jetty.awaitLog("Started oejs.Server@");
        return jetty.loggedPort(HTTP_CONNECTOR);
    }

    private static String startJar() {
        return Distribution.jettyHome().resolve("start.jar").toString();
    }

    /**
     * The line Jetty logs when the connector {@code name} starts, e.g.
     * {@code Started fulcrum-api@2fb5fe30{HTTP/1.1, (http/1.1)}{127.0.0.1:43413}}: it names the port actually bound
     * (not the configured 0), and matches only a connector on 127.0.0.1. Group 1 is the port.
     */
    static Pattern connectorStarted(String name) {
        return connectorStarted(name, "");
    }

    /** As {@link #connectorStarted(String)}, for the connector whose protocols start with {@code firstProtocol}. */
    static Pattern connectorStarted(String name, String firstProtocol) {
        return Pattern.compile("Started " + Pattern.quote(name) + "@[0-9a-f]+\\{" + Pattern.quote(firstProtocol)
                + "[^}]*\\}\\{127\\.0\\.0\\.1:(\\d+)\\}");
    }
}
