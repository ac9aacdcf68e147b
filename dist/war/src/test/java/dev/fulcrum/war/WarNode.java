package dev.fulcrum.war;

import dev.fulcrum.testing.NodeUnderTest;
import dev.fulcrum.testing.TempTrees;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The WAR's own {@code web.xml} (src/main/webapp) deployed as the ROOT web application of an embedded Tomcat, its
 * settings as context parameters, as the README's Tomcat section deploys it. Proxy and API share Tomcat's
 * connector: the API answers hosts that are no load balancer's.
 */
final class WarNode implements NodeUnderTest {

    private static final Path WEBAPP = Path.of("src/main/webapp").toAbsolutePath();

    private Tomcat tomcat;
    private Connector connector;
    private Path baseDir;

    @Override
    public void start(Path dataDir, String apiToken) throws Exception {
        baseDir = Files.createTempDirectory("fulcrum-war-node");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        tomcat.setAddDefaultWebXmlToWebapp(false);
        final Context war = tomcat.addWebapp("", WEBAPP.toString());
        // Nothing to scan: the web.xml is metadata-complete and the test class path is large.
        final StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        war.setJarScanner(scanner);
        war.addParameter("fulcrum.data-dir", dataDir.resolve("fulcrum-data").toString());
        war.addParameter("fulcrum.api-token", apiToken);
        tomcat.start();
    }

    @Override
    public int proxyPort() {
        return connector.getLocalPort();
    }

    @Override
    public int apiPort() {
        return connector.getLocalPort();
    }

    @Override
    public boolean ownsTheApiListener() {
        return false;
    }

    @Override
    public void close() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        TempTrees.delete(baseDir);
    }
}
