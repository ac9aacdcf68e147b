package dev.fulcrum.tomcat;

import dev.fulcrum.testing.NodeUnderTest;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An embedded Tomcat with the valve declared as server.xml would declare it (first valve of the Engine, owning a
 * whole runtime and its API listener) in front of a ROOT webapp of the host's own.
 */
final class TomcatValveNode implements NodeUnderTest {

    private Tomcat tomcat;
    private FulcrumValve valve;
    private Path baseDir;

    @Override
    public void start(Path dataDir, String apiToken) throws Exception {
        baseDir = Files.createTempDirectory("fulcrum-tomcat-node");
        tomcat = TomcatHost.loopback(baseDir);
        valve = new FulcrumValve();
        valve.setProperty("dataDir", dataDir.resolve("fulcrum-data").toString());
        valve.setProperty("apiBind", "127.0.0.1");
        valve.setProperty("apiPort", "0");
        valve.setProperty("apiToken", apiToken);
        tomcat.getEngine().getPipeline().addValve(valve);
        final Context context = tomcat.addContext("", baseDir.toString());
        Tomcat.addServlet(context, "own", new TomcatHost.OwnApplication());
        context.addServletMappingDecoded("/*", "own");
        tomcat.start();
    }

    @Override
    public int proxyPort() {
        return tomcat.getConnector().getLocalPort();
    }

    @Override
    public int apiPort() {
        return valve.apiLocalPort();
    }

    @Override
    public void close() throws Exception {
        TomcatHost.stop(tomcat, baseDir);
    }
}
