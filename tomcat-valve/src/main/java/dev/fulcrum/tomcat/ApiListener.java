package dev.fulcrum.tomcat;

import dev.fulcrum.api.ApiResponse;
import dev.fulcrum.api.ApiRouter;
import dev.fulcrum.dashboard.Dashboard;
import dev.fulcrum.metrics.MetricsEndpoint;
import dev.fulcrum.servlet.ApiServlet;
import dev.fulcrum.servlet.DashboardServlet;
import dev.fulcrum.servlet.MetricsServlet;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.NamingContextListener;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardEngine;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardServer;
import org.apache.catalina.core.StandardService;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The valve's REST API listener: Tomcat's own HTTP connector in a small server of its own, serving only the API
 * ({@code /client/v4}), the Prometheus scrape ({@code /metrics}) and the dashboard ({@code /dashboard/}), every
 * other path the API's JSON 404.
 *
 * <p>Why a server of its own rather than a connector of the host's: a connector of the host's Service would reach
 * every Host and webapp of its Engine, and the API would be one more thing the operator's server.xml has to know
 * about. Why Tomcat's connector rather than the JDK's built-in HTTP server: what the listener itself refuses (a bad
 * request line, an illegal character or escape in the path, a CONNECT) goes through the Host's error report valve,
 * which here is {@link EnvelopeErrorReport}, so every answer of the API listener is in Cloudflare's envelope; the
 * JDK server answers those with HTML of its own that nothing can change.
 *
 * <p>It borrows nothing from the host's server: no {@code catalina.base} (its base is a temporary directory of its
 * own, where Tomcat puts its empty work directory, removed on close), no shutdown port, its own few threads. Its
 * components are named {@code fulcrum-api} (logs, JMX).
 */
final class ApiListener implements AutoCloseable {

    /** Admin traffic only. */
    private static final int MAX_THREADS = 4;
    private static final String NAME = "fulcrum-api";

    private final StandardServer server;
    private final Connector connector;
    private final StandardHost host;
    private final Path base;

    private ApiListener(StandardServer server, Connector connector, StandardHost host, Path base) {
        this.server = server;
        this.connector = connector;
        this.host = host;
        this.base = base;
    }

    /**
     * Binds {@code bind:port} (0: any free port) and starts listening, without serving yet, so that a host can hold
     * its port before it creates anything else: until {@link #serve}, every request is answered the API's JSON 404.
     * {@link #close()} releases the port.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    static ApiListener bind(String bind, int port) {
        final Path base;
        try {
            base = Files.createTempDirectory(NAME);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the API listener's base directory: " + e, e);
        }
        final StandardServer server = new StandardServer();
        server.setPort(-1);
        server.setCatalinaBase(base.toFile());
        server.setCatalinaHome(base.toFile());
        server.setParentClassLoader(ApiListener.class.getClassLoader());
        // In a Tomcat started with catalina.useNaming (every distribution), a new StandardServer brings its own JNDI
        // listener, whose start replaces the JVM-wide global naming context of Tomcat's own server: the webapps'
        // stop then fails ("Caller provided invalid global context"). The API needs no JNDI.
        for (LifecycleListener naming : server.findLifecycleListeners()) {
            if (naming instanceof NamingContextListener) {
                server.removeLifecycleListener(naming);
            }
        }
        final StandardService service = new StandardService();
        service.setName(NAME);
        server.addService(service);

        final Connector connector = new Connector("HTTP/1.1");
        connector.setProperty("address", bind);
        connector.setPort(port);
        connector.setProperty("maxThreads", Integer.toString(MAX_THREADS));
        connector.setProperty("minSpareThreads", "1");
        // A new processor per connection: a recycled one that last parsed an HTTP/0.9 request answers the next
        // malformed request line as HTTP/0.9 too (no status line, no body), and admin traffic needs no cache.
        connector.setProperty("processorCache", "0");
        connector.setThrowOnFailure(true);
        service.addConnector(connector);

        final StandardEngine engine = new StandardEngine();
        engine.setName(NAME);
        engine.setDefaultHost(NAME);
        service.setContainer(engine);
        final StandardHost host = new StandardHost();
        host.setName(NAME);
        host.setAppBase(base.toString());
        host.setAutoDeploy(false);
        host.setDeployOnStartup(false);
        // The envelope instead of Tomcat's HTML report, for every error of this listener.
        host.setErrorReportValveClass("");
        host.getPipeline().addValve(new EnvelopeErrorReport());
        engine.addChild(host);

        final ApiListener listener = new ApiListener(server, connector, host, base);
        try {
            server.start();
        } catch (LifecycleException e) {
            listener.close();
            throw new UncheckedIOException("cannot listen for the API on " + bind + ':' + port + ": " + e,
                    new IOException(e));
        }
        if (connector.getState() != LifecycleState.STARTED || connector.getLocalPort() <= 0) {
            listener.close();
            throw new UncheckedIOException("cannot listen for the API on " + bind + ':' + port,
                    new IOException("the connector did not start"));
        }
        return listener;
    }

    /**
     * Starts serving {@code api} under {@code /client/v4} (and, as the API's own 404, every other path),
     * {@code metrics} at {@code /metrics} and the dashboard under {@code /dashboard/}. Call once.
     *
     * @return this
     */
    ApiListener serve(ApiRouter api, MetricsEndpoint metrics) {
        final StandardContext context = new StandardContext();
        context.setName("");
        context.setPath("");
        context.addLifecycleListener(new Tomcat.FixContextListener());
        // Nothing is loaded by the context's class loader (the servlets are given as objects): no leak to look for
        // on stop, and no warning that the JVM's modules hide what such a search would read.
        context.setClearReferencesThreadLocals(false);
        context.setClearReferencesRmiTargets(false);
        Tomcat.addServlet(context, "fulcrum-api", new ApiServlet(api));
        context.addServletMappingDecoded(ApiRouter.PREFIX + "/*", "fulcrum-api");
        context.addServletMappingDecoded("/", "fulcrum-api");
        Tomcat.addServlet(context, "fulcrum-metrics", new MetricsServlet(metrics));
        context.addServletMappingDecoded(MetricsEndpoint.PATH, "fulcrum-metrics");
        Tomcat.addServlet(context, "fulcrum-dashboard", new DashboardServlet());
        context.addServletMappingDecoded(Dashboard.PATH + "/*", "fulcrum-dashboard");
        host.addChild(context); // the host is started: so is the context, at once
        return this;
    }

    /** {@link #bind} and {@link #serve} at once. */
    static ApiListener start(ApiRouter api, MetricsEndpoint metrics, String bind, int port) {
        return bind(bind, port).serve(api, metrics);
    }

    /** The port actually bound. */
    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            if (server.getState().isAvailable()) {
                server.stop();
            }
            server.destroy();
        } catch (LifecycleException e) {
            // Stopping: nothing more to release than what stop and destroy managed.
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // A temporary directory: the system cleans it up anyway.
        }
    }

    /**
     * Tomcat's error report valve writing Cloudflare's envelope ({@link ApiRouter#refused}) instead of its HTML page,
     * for every error status with nothing written yet.
     */
    static final class EnvelopeErrorReport extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            final int status = response.getStatus();
            // Unlike Tomcat's own report, not only after sendError: the connector sets the status of a request it
            // could not parse (a bad request line, an unsupported version) without it, and that answer must not go
            // out empty either. What the API wrote itself is never replaced.
            if (status < 400 || response.getContentWritten() > 0) {
                return;
            }
            response.setErrorReported();
            final AtomicBoolean ioAllowed = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            final String message = response.getMessage() != null ? response.getMessage()
                    : throwable == null ? null : throwable.getMessage();
            final ApiResponse answer = ApiRouter.refused(status, message, request.getRequestURI());
            try {
                response.setStatus(answer.status());
                answer.headers().forEach(response::setHeader);
                response.setHeader("Cache-Control", "no-store");
                response.setContentType(ApiResponse.CONTENT_TYPE);
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                final PrintWriter writer = response.getReporter();
                if (writer != null) {
                    writer.write(new String(answer.body(), StandardCharsets.UTF_8));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The client is gone or the response cannot be written: nothing to report to.
            }
        }
    }
}
