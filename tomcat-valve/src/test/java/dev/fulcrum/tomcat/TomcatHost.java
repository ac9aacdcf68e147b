package dev.fulcrum.tomcat;

import dev.fulcrum.routing.Router;
import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.TempTrees;
import dev.fulcrum.upstream.UpstreamClient;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.UpgradeProtocol;
import org.apache.coyote.http2.Http2Protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embedded Tomcat on 127.0.0.1:0 with {@link FulcrumValve} on the Host pipeline, followed by a tracker valve that
 * counts what passes through; with {@code webapp}, a ROOT context whose servlet answers {@code own application}.
 * Without a webapp Tomcat maps no Context, which makes the valve forward in its blocking mode. With another valve
 * ({@link #behind}, {@link #underHostValve}), Fulcrum's sits on the Engine pipeline.
 */
@SuppressWarnings("try") // close() stops a server, which may be interrupted
final class TomcatHost implements HostUnderTest {

    private final boolean webapp;
    private final Valve other;
    private final boolean otherInHost;
    private final AtomicInteger passedThrough = new AtomicInteger();
    /** Tomcat's HTTP/2 set up for gRPC, as README advises ({@link #forGrpc}). */
    private boolean grpc;
    private Tomcat tomcat;
    private Connector connector;
    private Path baseDir;

    TomcatHost(boolean webapp) {
        this(webapp, null, false);
    }

    private TomcatHost(boolean webapp, Valve other, boolean otherInHost) {
        this.webapp = webapp;
        this.other = other;
        this.otherInHost = otherInHost;
    }

    /**
     * With a webapp, and the {@code Http2Protocol} set up as README advises for gRPC: no overhead count for small
     * DATA frames ({@code overheadDataThreshold="0"}), which a stream of small messages is made of, and which Tomcat
     * otherwise answers with GOAWAY {@code ENHANCE_YOUR_CALM} after a few dozen.
     */
    static TomcatHost forGrpc() {
        final TomcatHost host = new TomcatHost(true);
        host.grpc = true;
        return host;
    }

    /** With a webapp; {@code front} (e.g. a {@code RemoteIpValve}), then Fulcrum's valve, both in the Engine. */
    static TomcatHost behind(Valve front) {
        return new TomcatHost(true, front, false);
    }

    /** With a webapp; Fulcrum's valve in the Engine, {@code inHost} in the Host (so it runs after Fulcrum's). */
    static TomcatHost underHostValve(Valve inHost) {
        return new TomcatHost(true, inHost, true);
    }

    /** An embedded Tomcat in {@code baseDir}, one HTTP connector on 127.0.0.1 at any free port, nothing deployed. */
    static Tomcat loopback(Path baseDir) {
        final Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        final Connector connector = new Connector();
        // HTTP/1.1, and h2c (prior knowledge and Upgrade) for the contracts' h2 variants: Tomcat's Http2Protocol.
        connector.addUpgradeProtocol(new Http2Protocol());
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        return tomcat;
    }

    /** Stops and destroys {@code tomcat} (if started) and removes its base directory (if made). */
    static void stop(Tomcat tomcat, Path baseDir) throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        TempTrees.delete(baseDir);
    }

    @Override
    public void start(Router router, UpstreamClient upstream) throws Exception {
        baseDir = Files.createTempDirectory("fulcrum-tomcat");
        tomcat = loopback(baseDir);
        connector = tomcat.getConnector();
        if (grpc) {
            for (UpgradeProtocol protocol : connector.findUpgradeProtocols()) {
                if (protocol instanceof Http2Protocol http2) {
                    http2.setOverheadDataThreshold(0);
                }
            }
        }
        final FulcrumValve valve = new FulcrumValve();
        valve.setRouter(router);
        valve.setUpstreamClient(upstream);
        if (other == null) {
            tomcat.getHost().getPipeline().addValve(valve);
        } else if (otherInHost) {
            tomcat.getEngine().getPipeline().addValve(valve);
            tomcat.getHost().getPipeline().addValve(other);
        } else {
            tomcat.getEngine().getPipeline().addValve(other);
            tomcat.getEngine().getPipeline().addValve(valve);
        }
        tomcat.getHost().getPipeline().addValve(new Tracker(passedThrough));
        if (webapp) {
            final Context context = tomcat.addContext("", baseDir.toString());
            Tomcat.addServlet(context, "own", new OwnApplication());
            context.addServletMappingDecoded("/*", "own");
        }
        tomcat.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public boolean hasOwnApplication() {
        return webapp;
    }

    @Override
    public int ownApplicationRequests() {
        return passedThrough.get();
    }

    @Override
    public void close() throws Exception {
        stop(tomcat, baseDir);
    }

    /** The next valve after Fulcrum's: counts every request Fulcrum passed down the pipeline. */
    static final class Tracker extends ValveBase {

        private final AtomicInteger count;

        Tracker(AtomicInteger count) {
            super(true);
            this.count = count;
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            count.incrementAndGet();
            getNext().invoke(request, response);
        }
    }

    /** The host's own webapp. */
    static final class OwnApplication extends HttpServlet {

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getOutputStream().write("own application".getBytes(StandardCharsets.UTF_8));
        }
    }
}
