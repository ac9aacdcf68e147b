package dev.fulcrum.jetty;

import dev.fulcrum.testing.NodeUnderTest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.DefaultHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A Jetty server laid out like jetty-home's (one public connector, Jetty's default handler) with the module's own
 * {@code etc/fulcrum.xml} applied, as {@code --add-modules=fulcrum} does: the proxy on the public connector, the API
 * on {@code fulcrum-api}.
 */
final class JettyModuleNode implements NodeUnderTest {

    private static final Path MODULE_XML = Path.of("target/config/etc/fulcrum.xml");

    private final Map<String, String> properties;
    private Server server;
    private ServerConnector http;

    JettyModuleNode() {
        this(Map.of());
    }

    /** With more {@code fulcrum.*} properties, as start.d/fulcrum.ini would give them. */
    JettyModuleNode(Map<String, String> properties) {
        this.properties = properties;
    }

    @Override
    public void start(Path dataDir, String apiToken) throws Exception {
        server = new Server();
        http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        http.setPort(0);
        server.addConnector(http);
        server.setDefaultHandler(new DefaultHandler());
        final XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(MODULE_XML));
        xml.getIdMap().put("Server", server);
        final Map<String, String> all = new HashMap<>(properties);
        all.put("jetty.base", dataDir.toString());
        all.put("fulcrum.data.dir", dataDir.resolve("fulcrum-data").toString());
        all.put("fulcrum.api.host", "127.0.0.1");
        all.put("fulcrum.api.port", "0");
        all.put("fulcrum.api.token", apiToken);
        xml.getProperties().putAll(all);
        xml.configure(server);
        server.start();
    }

    @Override
    public int proxyPort() {
        return http.getLocalPort();
    }

    @Override
    public int apiPort() {
        return Arrays.stream(server.getConnectors()).map(ServerConnector.class::cast)
                .filter(c -> "fulcrum-api".equals(c.getName())).findFirst().orElseThrow().getLocalPort();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }
}
