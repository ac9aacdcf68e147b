package dev.fulcrum.jetty;

import dev.fulcrum.api.ApiRouter;
import dev.fulcrum.dashboard.Dashboard;
import dev.fulcrum.metrics.MetricsEndpoint;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.servlet.ApiServlet;
import dev.fulcrum.servlet.DashboardServlet;
import dev.fulcrum.servlet.MetricsServlet;
import jakarta.servlet.Servlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Puts Fulcrum in front of a Jetty server's own handlers ({@code Server.insertHandler}, see {@code etc/fulcrum.xml})
 * and sends each request one of three ways:
 * <ol>
 *   <li>arrived on the API connector: Fulcrum's REST API, the Prometheus scrape at {@code /metrics} and the
 *       dashboard at {@code /dashboard/}, whatever the host (and nothing else is served there);</li>
 *   <li>Host names one of Fulcrum's enabled load balancers: {@link FulcrumProxyHandler}, which forwards it;</li>
 *   <li>anything else: the next handler, i.e. the server's own contexts, untouched.</li>
 * </ol>
 * The router is asked once per request: no decision means the server's own request, and a decision goes on to the
 * proxy handler as it is.
 *
 * <p>The proxy is a Jetty core handler, called directly: no servlet context, no servlet layer on the data path
 * (BENCHMARKS.md, side-by-side benchmark). The API servlets run in an internal servlet context. Both are beans of
 * this handler, not contexts of the server: the server's deployer never sees them and they match every path. The
 * runtime ({@link FulcrumLifeCycle}) is a bean too, started before them (they take its router, upstream client and
 * API) and stopped after them.
 *
 * <p>Why a connector of this server for the API rather than a second embedded server: it shares the server's
 * threads, buffers, lifecycle and graceful stop, shows in its dump, and is configured like any other Jetty connector.
 * It is told apart by identity, so the server's own contexts are unreachable on it. What Jetty refuses on it is
 * answered in the API's envelope ({@link ApiErrorHandler}, in front of the server's error handler, which still
 * answers for the other connectors).
 *
 * <p>On the other connectors, which carry the load balancers' traffic, it puts the slow-client guards
 * ({@link ClientGuards}: a deadline for a request's head, an optional cap per client address).
 */
public final class FulcrumHandler extends Handler.Wrapper {

    private final FulcrumLifeCycle runtime;
    private final Connector apiConnector;
    /** The server's error handler before this one put the API's in front of it; restored on stop. */
    private Request.Handler replacedErrorHandler;
    /** Connectors already given {@link ClientGuards}, so a restart does not wrap them twice. */
    private final Set<Connector> guarded = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Both set while started (the proxy last); the handle path reads them without locking. */
    private volatile FulcrumProxyHandler proxy;
    private volatile Handler api;

    /**
     * @param runtime      the runtime this handler serves (becomes a managed bean)
     * @param apiConnector the connector whose requests all go to the REST API
     */
    public FulcrumHandler(FulcrumLifeCycle runtime, Connector apiConnector) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.apiConnector = Objects.requireNonNull(apiConnector, "apiConnector");
        addBean(runtime, true);
    }

    @Override
    protected void doStart() throws Exception {
        // The runtime first (ContainerLifeCycle then skips it): the handlers below are built from what it runs.
        start(runtime);
        final Fulcrum fulcrum = runtime.fulcrum();
        final FulcrumProxyHandler proxyHandler = new FulcrumProxyHandler(fulcrum.router(), fulcrum.upstream(),
                fulcrum.settings().trustedProxies());
        proxyHandler.setServer(getServer());
        final ServletContextHandler apiContext = context("fulcrum-api", new ApiServlet(fulcrum.api()),
                ApiRouter.PREFIX + "/*", "/");
        // Jetty's own refusals on the API connector (before or inside the API's context) in the API's envelope.
        replacedErrorHandler = getServer().getErrorHandler();
        final ApiErrorHandler apiErrors = new ApiErrorHandler(apiConnector, replacedErrorHandler);
        getServer().setErrorHandler(apiErrors);
        apiContext.setErrorHandler(apiErrors);
        apiContext.addServlet(new ServletHolder("fulcrum-metrics", new MetricsServlet(fulcrum.metricsEndpoint())),
                MetricsEndpoint.PATH);
        apiContext.addServlet(new ServletHolder("fulcrum-dashboard", new DashboardServlet()), Dashboard.PATH + "/*");
        guardConnectors(fulcrum.settings());
        addManaged(proxyHandler);
        addManaged(apiContext);
        api = apiContext;
        proxy = proxyHandler; // last: the handle path takes a set proxy for a started handler
        super.doStart();
        fulcrum.announce(listeners());
    }

    @Override
    protected void doStop() throws Exception {
        final Handler proxyHandler = proxy;
        final Handler apiContext = api;
        proxy = null;
        api = null;
        if (getServer().getErrorHandler() instanceof ApiErrorHandler ours && ours.others() == replacedErrorHandler) {
            getServer().setErrorHandler(replacedErrorHandler);
        }
        super.doStop();
        removeBean(proxyHandler);
        removeBean(apiContext);
    }

    /**
     * The header deadline and per-client cap ({@link ClientGuards}) on every connector of the server but the API's:
     * they carry the load balancers' traffic. Done here because the server starts its connectors after its
     * handlers, and a connector's factories can only change while it is stopped; once set, they stay for the
     * connector's life.
     */
    private void guardConnectors(FulcrumSettings settings) {
        // One set of guards for all of them: a client's connections count toward one cap, whichever port.
        final List<Connector> unguarded = Arrays.stream(getServer().getConnectors())
                .filter(c -> c != apiConnector && !c.isStarted() && !guarded.contains(c)).toList();
        guarded.addAll(ClientGuards.apply(unguarded, settings.headerTimeout(), settings.maxConnectionsPerClient()));
    }

    /**
     * Where the API connector listens: Jetty opens its connectors before it starts handlers, so the port is known
     * here even when configured as 0.
     */
    private String listeners() {
        if (apiConnector instanceof NetworkConnector network) {
            final String host = network.getHost() == null ? "0.0.0.0" : network.getHost();
            final String base = "http://" + host + ':' + network.getLocalPort();
            return "api " + base + ApiRouter.PREFIX + ", dashboard " + base + Dashboard.PATH + "/ (connector "
                    + apiConnector.getName() + ")";
        }
        return "api and dashboard on connector " + apiConnector.getName();
    }

    private ServletContextHandler context(String name, Servlet servlet, String... mappings) {
        final ServletContextHandler context = new ServletContextHandler("/");
        context.setDisplayName(name);
        context.setServer(getServer());
        final ServletHolder holder = new ServletHolder(name, servlet);
        holder.setAsyncSupported(true);
        for (String mapping : mappings) {
            context.addServlet(holder, mapping);
        }
        return context;
    }

    /**
     * Blocking, whatever the handlers behind it are: the API's servlets read and write with blocking streams, and
     * are beans of this handler rather than part of the wrapped tree, so the tree's own type leaves them out. A server
     * whose own handlers are all non-blocking (Jetty's default handler alone) would otherwise have Jetty call this
     * handler on a selector thread, where a blocking read of an API request waits for that very selector.
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        final FulcrumProxyHandler p = proxy;
        if (p == null) {
            return super.handle(request, response, callback);
        }
        if (request.getConnectionMetaData().getConnector() == apiConnector) {
            return api.handle(request, response, callback);
        }
        // One routing call per request: the host lookup that tells ours from the server's own is the decision's.
        final RouteDecision decision = p.route(request);
        return decision == null ? super.handle(request, response, callback)
                : p.handle(decision, request, response, callback);
    }

}
