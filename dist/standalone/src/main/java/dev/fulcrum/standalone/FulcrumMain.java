package dev.fulcrum.standalone;

import dev.fulcrum.api.ApiRouter;
import dev.fulcrum.cluster.ClusterSettings;
import dev.fulcrum.cluster.Migration;
import dev.fulcrum.dashboard.Dashboard;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.runtime.FulcrumStartException;
import dev.fulcrum.runtime.SettingsTable;
import dev.fulcrum.runtime.Version;
import dev.fulcrum.metrics.MetricsEndpoint;
import dev.fulcrum.servlet.ApiServlet;
import dev.fulcrum.servlet.DashboardServlet;
import dev.fulcrum.servlet.MetricsServlet;
import dev.fulcrum.jetty.ApiErrorHandler;
import dev.fulcrum.jetty.FulcrumProxyHandler;
import dev.fulcrum.tls.CertificateReloader;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The standalone Fulcrum: {@code java -jar fulcrum-standalone.jar [options]}. One embedded Jetty with the proxy
 * (load balancer) connectors ({@link ProxyListeners}: plain HTTP/1.1 and h2c, and HTTPS with h2 when a TLS port is
 * set) and the REST API's, around one {@link Fulcrum} runtime with its file store.
 *
 * <p>Prints {@code Fulcrum ready: proxy http://HOST:PORT [https://HOST:PORT] api http://HOST:PORT/client/v4} once
 * the connectors serve,
 * stops cleanly on SIGTERM/SIGINT, and answers a bad option or an unusable data directory with one line on stderr
 * and a non-zero exit code.
 */
public final class FulcrumMain {

    /** Exit code for a bad command line. */
    static final int EXIT_USAGE = 2;
    /** The subcommand that moves a single node's data directory into a cluster's etcd. */
    static final String MIGRATE = "migrate-to-etcd";
    /** Exit code for a start that failed (store, token, ports). */
    static final int EXIT_START = 1;

    /**
     * The server's thread cap. Proxying is asynchronous end to end (the core proxy handler reads and writes with
     * demand and write callbacks, the upstream client hands responses over on its selectors), so threads only carry
     * CPU work and the one blocking part, the REST API; nothing on the proxy path holds a thread while it waits. Extra
     * threads only spread the jobs and contend for the exchange's locks: on a 2-CPU machine 8 threads served about
     * 15 % more requests per second than 32, at less CPU per request (BENCHMARKS.md, side-by-side benchmark). About
     * half of the 8 are the two connectors' acceptors and selectors; four per CPU keeps that ratio on bigger machines.
     */
    static final int MAX_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

    static {
        // Before LOG below starts java.util.logging, which picks its manager once. An operator's choice stays.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", StandaloneLogManager.class.getName());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(FulcrumMain.class);
    private static final String API_CONNECTOR = "api";

    private FulcrumMain() {
    }

    public static void main(String[] args) {
        keepDnsAnswersFiveSeconds();
        final Standalone standalone;
        try {
            standalone = launch(Arrays.asList(args), System.getenv(), System.out, true);
        } catch (LaunchException e) {
            System.err.println("fulcrum: " + e.getMessage());
            System.exit(e.exitCode());
            return;
        }
        if (standalone == null) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            standalone.close();
            StandaloneLogManager.stopped();
        }, "fulcrum-shutdown"));
        standalone.join();
    }

    /**
     * The standalone owns its JVM, so it gives origin host names Cloudflare's 5 s limit all the way down: the JVM's own
     * cache, beneath Fulcrum's, keeps answers 30 s by default. Read once, at the first lookup, so it must be set
     * before anything resolves; an operator's own setting (security or system property) is left alone.
     */
    private static void keepDnsAnswersFiveSeconds() {
        if (java.security.Security.getProperty("networkaddress.cache.ttl") == null
                && System.getProperty("sun.net.inetaddr.ttl") == null) {
            java.security.Security.setProperty("networkaddress.cache.ttl", "5");
        }
    }

    /**
     * Parses the command line and starts serving.
     *
     * @return the running instance, or null when only the usage text was asked for
     * @throws LaunchException with a one-line reason and the exit code to use
     */
    static Standalone launch(List<String> args, Map<String, String> env, PrintStream out) {
        return launch(args, env, out, false);
    }

    /**
     * @param configureLogging set the JVM's logging up from the settings (the process's own, so {@link #main} only;
     *                         tests leave their JVM's logging as it is)
     */
    static Standalone launch(List<String> args, Map<String, String> env, PrintStream out, boolean configureLogging) {
        if (FulcrumSettings.wantsHelp(args)) {
            out.print(usage());
            return null;
        }
        if (args.contains("--version")) {
            out.println("Fulcrum " + Version.current());
            return null;
        }
        if (!args.isEmpty() && args.get(0).equals(MIGRATE)) {
            migrate(args.subList(1, args.size()), env, out);
            return null;
        }
        final FulcrumSettings settings;
        try {
            settings = FulcrumSettings.parse(args, env);
        } catch (FulcrumSettings.InvalidSettingException e) {
            throw new LaunchException(e.getMessage(), EXIT_USAGE);
        }
        if (configureLogging) {
            StandaloneLogging.configure(settings.get(SettingsTable.LOG_CONFIG));
        }
        return start(settings, out);
    }

    /**
     * {@code migrate-to-etcd}: copies the data directory's file store, API token hash and affinity key into the
     * empty prefix of the etcd the options name, then exits (README, "Cluster").
     */
    static void migrate(List<String> args, Map<String, String> env, PrintStream out) {
        final FulcrumSettings settings;
        try {
            settings = FulcrumSettings.parse(args, env);
        } catch (FulcrumSettings.InvalidSettingException e) {
            throw new LaunchException(e.getMessage(), EXIT_USAGE);
        }
        if (settings.cluster() == null) {
            throw new LaunchException(MIGRATE + " needs --etcd-endpoints (FULCRUM_ETCD_ENDPOINTS): the etcd to copy "
                    + "the data directory into", EXIT_USAGE);
        }
        try {
            final Migration.Result result = Migration.copy(settings.dataDir().toAbsolutePath(), settings.cluster(),
                    Clock.systemUTC());
            out.println("Copied " + result + " from " + settings.dataDir().toAbsolutePath() + " into etcd under "
                    + settings.cluster().prefix() + "; start the nodes with --etcd-endpoints "
                    + String.join(",", settings.cluster().etcd().endpoints().stream().map(Object::toString).toList())
                    + (settings.cluster().prefix().equals(ClusterSettings.DEFAULT_PREFIX) ? ""
                            : " --etcd-prefix " + settings.cluster().prefix()));
            out.flush();
        } catch (IllegalStateException | IOException e) {
            throw new LaunchException(MIGRATE + ": " + e.getMessage(), EXIT_START);
        }
    }

    /**
     * Reads the TLS certificates (a bad file stops here), binds every port, then starts the runtime, starts Jetty and
     * the certificate reloader, and prints the generated token (first start only) and the ready line. The ports come
     * first: a start that cannot have them (in use, not allowed) creates nothing, no data directory and no token, and
     * prints only the reason.
     */
    static Standalone start(FulcrumSettings settings, PrintStream out) {
        // The standalone's only forwarder is the core proxy handler: its upstream client is tuned for it.
        final FulcrumSettings tuned = FulcrumProxyHandler.tuneUpstream(settings.toBuilder()).build();
        final Server server = newServer(tuned);
        final ProxyListeners listeners;
        try {
            listeners = ProxyListeners.addTo(server, tuned);
        } catch (IllegalArgumentException e) {
            throw new LaunchException("TLS certificates: " + e.getMessage(), EXIT_START);
        }
        final ServerConnector apiConnector = new ServerConnector(server);
        apiConnector.setName(API_CONNECTOR);
        apiConnector.setHost(tuned.apiBind());
        apiConnector.setPort(tuned.apiPort());
        server.addConnector(apiConnector);
        try {
            for (Connector connector : server.getConnectors()) {
                ((ServerConnector) connector).open();
            }
        } catch (Exception e) {
            closeConnectors(server);
            throw new LaunchException(bindFailure(settings, e), EXIT_START);
        }
        final Fulcrum fulcrum = new Fulcrum(tuned);
        try {
            fulcrum.start();
        } catch (FulcrumStartException e) {
            closeConnectors(server);
            throw new LaunchException(e.getMessage(), EXIT_START);
        }
        try {
            server.setHandler(handlers(fulcrum, listeners, apiConnector));
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            fulcrum.stop();
            throw new LaunchException(bindFailure(settings, e), EXIT_START);
        }
        final String token = fulcrum.generatedApiToken();
        if (token != null) {
            out.println("Generated an API token; it is shown only now (its SHA-256 is in " + fulcrum.apiTokenFile()
                    + "):");
            out.println("  " + token);
            out.println("Use it as 'Authorization: Bearer <token>'; start with --api-token to replace it.");
        }
        listeners.startReloading(CertificateReloader.DEFAULT_INTERVAL);
        final Standalone standalone = new Standalone(fulcrum, server, listeners);
        final String api = "http://" + settings.apiBind() + ':' + standalone.apiPort();
        final String proxy = "http://" + settings.proxyBind() + ':' + standalone.proxyPort()
                + (listeners.tls() != null ? " https://" + settings.proxyBind() + ':' + standalone.proxyTlsPort() : "");
        fulcrum.announce("proxy " + proxy + ", api " + api + ApiRouter.PREFIX + ", dashboard " + api + Dashboard.PATH
                + "/");
        out.println("Fulcrum ready: proxy " + proxy + " api " + api + ApiRouter.PREFIX + " dashboard " + api
                + Dashboard.PATH + "/");
        out.flush();
        return standalone;
    }

    private static void closeConnectors(Server server) {
        for (Connector connector : server.getConnectors()) {
            ((ServerConnector) connector).close();
        }
    }

    /**
     * Two threads more with a TLS listener (its acceptor and selector), so it takes nothing from the threads that
     * carry requests.
     */
    static int maxThreads(FulcrumSettings settings) {
        return MAX_THREADS + (settings.tls() ? 2 : 0);
    }

    /** The server without connectors; {@link ProxyListeners} and the API connector are added before binding. */
    private static Server newServer(FulcrumSettings settings) {
        final QueuedThreadPool threads = new QueuedThreadPool(maxThreads(settings));
        threads.setName("fulcrum");
        final Server server = new Server(threads);
        server.setStopTimeout(5_000);
        return server;
    }

    private static Handler handlers(Fulcrum fulcrum, ProxyListeners listeners, Connector apiConnector) {
        final FulcrumSettings settings = fulcrum.settings();
        // Whatever Jetty refuses on the API port (before the API or in its context) is answered in the envelope.
        final ApiErrorHandler apiErrors = new ApiErrorHandler(apiConnector, new ErrorHandler());
        apiConnector.getServer().setErrorHandler(apiErrors);
        final ServletContextHandler apiContext = new ServletContextHandler("/");
        apiContext.setErrorHandler(apiErrors);
        apiContext.setVirtualHosts(List.of("@" + API_CONNECTOR));
        final ServletHolder apiServlet = new ServletHolder("fulcrum-api", new ApiServlet(fulcrum.api()));
        apiContext.addServlet(apiServlet, ApiRouter.PREFIX + "/*");
        apiContext.addServlet(new ServletHolder("fulcrum-metrics", new MetricsServlet(fulcrum.metricsEndpoint())),
                MetricsEndpoint.PATH);
        apiContext.addServlet(new ServletHolder("fulcrum-dashboard", new DashboardServlet()), Dashboard.PATH + "/*");
        // Every other path on the API port gets the API's own JSON 404 rather than an HTML error page.
        apiContext.addServlet(apiServlet, "/");

        // Every request to a proxy port, whatever its Host, goes to the core proxy handler, which forwards
        // load-balancer hosts and answers 404 to any other host; with --redirect-https the plain port redirects.
        final Handler proxy = new FulcrumProxyHandler(fulcrum.router(), fulcrum.upstream(),
                settings.trustedProxies());
        final Handler plain = settings.redirectHttps()
                ? new HttpsRedirectHandler(() -> listeners.tls().getLocalPort(), proxy) : proxy;
        // Graceful: on stop, connectors close first and requests in flight get up to the stop timeout to finish.
        final GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(new ByConnector(listeners.plain(), plain, listeners.tls(), proxy, apiContext));
        return graceful;
    }

    /**
     * Sends each proxy connector's requests straight to its handler and every other request (the API connector's)
     * to the API context. Told apart by connector identity rather than by a context's virtual hosts: the proxy path
     * then has no context scope to enter per request.
     */
    private static final class ByConnector extends Handler.Wrapper {

        private final Connector plainConnector;
        private final Handler plain;
        private final Connector tlsConnector;
        private final Handler tls;

        ByConnector(Connector plainConnector, Handler plain, Connector tlsConnector, Handler tls, Handler api) {
            super(api);
            this.plainConnector = plainConnector;
            this.plain = plain;
            this.tlsConnector = tlsConnector;
            this.tls = tls;
            addBean(plain, true);
            if (tls != plain) {
                addBean(tls, true);
            }
        }

        @Override
        public void setServer(Server server) {
            super.setServer(server);
            // Beans, not the wrapped handler: Jetty does not pass the server on to them.
            plain.setServer(server);
            tls.setServer(server);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            final Connector connector = request.getConnectionMetaData().getConnector();
            if (connector == plainConnector) {
                return plain.handle(request, response, callback);
            }
            if (connector == tlsConnector) {
                return tls.handle(request, response, callback);
            }
            return super.handle(request, response, callback);
        }
    }

    private static String bindFailure(FulcrumSettings settings, Exception e) {
        final Throwable cause = e.getCause();
        return "cannot start the HTTP server (proxy " + settings.proxyBind() + ':' + settings.proxyPort()
                + (settings.tls() ? ", https " + settings.proxyBind() + ':' + settings.tlsPort() : "") + ", api "
                + settings.apiBind() + ':' + settings.apiPort() + "): " + e.getMessage()
                + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : "");
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // already failing to start; the start failure is what gets reported
        }
    }

    /** A start that cannot go on, with the message to print and the process exit code. */
    static final class LaunchException extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final int exitCode;

        LaunchException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /** A running standalone Fulcrum: the Jetty server and the runtime it serves. */
    static final class Standalone implements AutoCloseable {

        private final Fulcrum fulcrum;
        private final Server server;
        private final ProxyListeners listeners;

        Standalone(Fulcrum fulcrum, Server server, ProxyListeners listeners) {
            this.fulcrum = fulcrum;
            this.server = server;
            this.listeners = listeners;
        }

        Fulcrum fulcrum() {
            return fulcrum;
        }

        int proxyPort() {
            return listeners.plain().getLocalPort();
        }

        /** The HTTPS port, or -1 without a TLS listener. */
        int proxyTlsPort() {
            return listeners.tls() == null ? -1 : listeners.tls().getLocalPort();
        }

        /** Loads changed certificate files now, as the poller would within its interval. */
        boolean reloadCertificates() {
            return listeners.reloadNow();
        }

        int apiPort() {
            return connector(API_CONNECTOR).getLocalPort();
        }

        private ServerConnector connector(String name) {
            return Arrays.stream(server.getConnectors()).map(ServerConnector.class::cast)
                    .filter(c -> name.equals(c.getName())).findFirst().orElseThrow();
        }

        void join() {
            try {
                server.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Drains the proxy ports ({@link ProxyListeners#drain}: they stop accepting, requests on open connections are
         * answered with {@code Connection: close} for at most {@link FulcrumSettings#drain()}), stops Jetty (letting
         * requests in flight finish; whatever still arrives then gets 503), then closes the store. Idempotent.
         */
        @Override
        public void close() {
            LOG.info("Fulcrum stopping: the proxy ports stop accepting and drain for up to {} ms, then requests in "
                    + "flight get up to {} ms", fulcrum.settings().drain().toMillis(), server.getStopTimeout());
            listeners.stopReloading();
            listeners.drain(fulcrum.settings().drain());
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("fulcrum: error while stopping the server: " + e);
            }
            fulcrum.stop();
        }
    }

    static String usage() {
        return "Usage: java -jar fulcrum-standalone.jar [options]\n"
                + "       java -jar fulcrum-standalone.jar " + MIGRATE + " --data-dir DIR --etcd-endpoints URL "
                + "[--etcd-prefix P] [etcd options]\n"
                + "       (copies a stopped node's data directory into an empty etcd prefix, then exits)\n\n"
                + "Cloudflare-style load balancer with a Cloudflare-compatible REST API (/client/v4).\n\n"
                + "Options (each may also be set by the environment variable shown). Durations need a unit (ms, s, m "
                + "or h: 19s);\nsizes are bytes, alone or with KiB, MiB or GiB; switches take true/false, yes/no, "
                + "on/off or 1/0.\n"
                + FulcrumSettings.optionsHelp()
                + "  --version" + " ".repeat(22) + "print the version and exit\n"
                + "  --help" + " ".repeat(25) + "show this text\n";
    }
}
