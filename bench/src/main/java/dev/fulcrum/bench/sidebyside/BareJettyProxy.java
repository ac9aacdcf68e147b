package dev.fulcrum.bench.sidebyside;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline of the side-by-side benchmark: Jetty's own {@link ProxyServlet} with every default (server thread
 * pool, connector, the servlet's own HttpClient) and no load-balancing logic, only a rotation over the origins so
 * that it spreads load as the load balancers do.
 *
 * <p>{@code java -cp … dev.fulcrum.bench.sidebyside.BareJettyProxy PORT ORIGIN_PORT...} listens on 127.0.0.1:PORT
 * and prints {@code ready} once it serves.
 */
public final class BareJettyProxy {

    private BareJettyProxy() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BareJettyProxy PORT ORIGIN_PORT...");
            System.exit(2);
        }
        final int port = Integer.parseInt(args[0]);
        final List<String> origins = java.util.Arrays.stream(args, 1, args.length)
                .map(p -> "http://127.0.0.1:" + Integer.parseInt(p)).toList();

        final Server server = new Server();
        final ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        final ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new Rotating(origins)), "/*");
        server.setHandler(context);
        server.start();
        System.out.println("ready");
        server.join();
    }

    /** The proxy servlet sending each request to the next origin in turn. */
    private static final class Rotating extends ProxyServlet {

        private static final long serialVersionUID = 1L;

        private final List<String> origins;
        private final AtomicInteger next = new AtomicInteger();

        Rotating(List<String> origins) {
            this.origins = origins;
        }

        @Override
        protected String rewriteTarget(HttpServletRequest request) {
            // floorMod: the counter may wrap past Integer.MAX_VALUE on a long run.
            final String origin = origins.get(Math.floorMod(next.getAndIncrement(), origins.size()));
            final String query = request.getQueryString();
            return origin + request.getRequestURI() + (query == null ? "" : "?" + query);
        }
    }
}
