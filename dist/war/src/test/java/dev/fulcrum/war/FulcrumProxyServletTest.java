package dev.fulcrum.war;

import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.Router;
import dev.fulcrum.testing.Fixtures;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import jakarta.servlet.ServletException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code web.xml} wiring: router and upstream client come from servlet-context attributes. */
class FulcrumProxyServletTest {

    private Server server;
    private UpstreamClient upstream;
    private LoopbackOrigin origin;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private ServletHolder startWith(Router router, UpstreamClient client) throws Exception {
        server = new Server();
        final ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        final ServletContextHandler context = new ServletContextHandler("/");
        if (router != null) {
            context.setAttribute(FulcrumProxyServlet.ROUTER_ATTRIBUTE, router);
        }
        if (client != null) {
            context.setAttribute(FulcrumProxyServlet.UPSTREAM_ATTRIBUTE, client);
        }
        final ServletHolder holder = context.addServlet(FulcrumProxyServlet.class, "/*");
        server.setHandler(context);
        server.start();
        return holder;
    }

    @Test
    void forwardsWithTheRuntimesRouterAndClientFromContextAttributes() throws Exception {
        origin = LoopbackOrigin.start("a");
        final Pool p = pool("p", "random", origin(origin, 1));
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS);
        startWith(Fixtures.router(config(lb("lb.example.test", "off", null, p), p)), upstream);

        final HttpClient client = new HttpClient();
        client.start();
        try {
            final ContentResponse response = client.newRequest("127.0.0.1",
                    ((ServerConnector) server.getConnectors()[0]).getLocalPort())
                    .headers(h -> h.put(HttpHeader.HOST, "lb.example.test")).send();
            assertThat(response.getContentAsString()).isEqualTo("origin:a");
        } finally {
            client.stop();
        }
        server.stop();
        server = null;
        assertThat(upstream.httpClient().isRunning()).as("the shared client outlives the servlet").isTrue();
    }

    @Test
    void refusesToInitialiseWithoutARouter() throws Exception {
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS);
        final ServletHolder holder = startWith(null, upstream);

        assertThatThrownBy(holder::getServlet).isInstanceOf(ServletException.class)
                .hasMessageContaining(FulcrumProxyServlet.ROUTER_ATTRIBUTE + ": missing");
    }
}
