package dev.fulcrum.tomcat;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.servlet.ServletForwarding;
import dev.fulcrum.servlet.ServletRequestView;
import dev.fulcrum.upstream.ProxyExchange;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import jakarta.servlet.ServletException;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A Tomcat {@code Valve} that load-balances the hosts Fulcrum knows and passes every other request down the
 * pipeline untouched, so the host's own webapps keep working. No routing rule lives here: it asks the
 * {@link Router} and forwards through the runtime's shared {@link UpstreamClient} without holding a Tomcat thread
 * per upstream request (see {@link TomcatForwarder}).
 *
 * <p>Attributes ({@code server.xml}); durations are a number with an optional unit {@code ms}/{@code s}/{@code m}:
 * <table>
 *   <caption>FulcrumValve attributes</caption>
 *   <tr><th>attribute</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>upstreamConnectTimeout</td><td>19s</td><td>TCP connect limit toward an origin (then 522)</td></tr>
 *   <tr><td>upstreamReadTimeout</td><td>100s</td><td>time to the first response byte (then 524)</td></tr>
 *   <tr><td>upstreamIdleTimeout</td><td>900s</td><td>how long a pooled origin connection stays open unused</td></tr>
 *   <tr><td>upstreamMaxConnectionsPerOrigin</td><td>1024</td><td>open connections per origin</td></tr>
 *   <tr><td>upstreamMaxQueuedPerOrigin</td><td>4096</td><td>requests waiting for a connection per origin</td></tr>
 *   <tr><td>upstreamReplayBufferBytes</td><td>65536</td><td>largest request body kept for a failover retry</td></tr>
 *   <tr><td>upstreamSelectors</td><td>1</td><td>selector threads of the upstream client</td></tr>
 *   <tr><td>upstreamMaxThreads</td><td>200</td><td>threads of the upstream client</td></tr>
 * </table>
 * The upstream attributes are ignored when a shared client is given with {@link #setUpstreamClient}.
 *
 * <pre>{@code
 * <Host name="localhost" appBase="webapps">
 *   <Valve className="dev.fulcrum.tomcat.FulcrumValve" upstreamConnectTimeout="19s" upstreamReadTimeout="100s"/>
 * </Host>
 * }</pre>
 *
 * <p>The router comes from the Fulcrum runtime, or is given programmatically with {@link #setRouter} (embedded
 * Tomcat, tests); the valve refuses to start without one.
 */
public final class FulcrumValve extends ValveBase {

    private final Map<String, String> upstreamAttributes = new HashMap<>();
    private Router router;
    private UpstreamClient sharedUpstream;
    private UpstreamClient ownUpstream;
    private TomcatForwarder forwarder;

    public FulcrumValve() {
        super(true);
    }

    /** The router deciding every request (required before start). */
    public void setRouter(Router router) {
        this.router = router;
    }

    /** The runtime's shared upstream client; without one the valve builds its own from the upstream attributes. */
    public void setUpstreamClient(UpstreamClient upstream) {
        this.sharedUpstream = upstream;
    }

    public void setUpstreamConnectTimeout(String value) {
        upstreamAttributes.put(UpstreamSettings.CONNECT_TIMEOUT, value);
    }

    public void setUpstreamReadTimeout(String value) {
        upstreamAttributes.put(UpstreamSettings.READ_TIMEOUT, value);
    }

    public void setUpstreamIdleTimeout(String value) {
        upstreamAttributes.put(UpstreamSettings.IDLE_TIMEOUT, value);
    }

    public void setUpstreamMaxConnectionsPerOrigin(String value) {
        upstreamAttributes.put(UpstreamSettings.MAX_CONNECTIONS_PER_ORIGIN, value);
    }

    public void setUpstreamMaxQueuedPerOrigin(String value) {
        upstreamAttributes.put(UpstreamSettings.MAX_QUEUED_PER_ORIGIN, value);
    }

    public void setUpstreamReplayBufferBytes(String value) {
        upstreamAttributes.put(UpstreamSettings.REPLAY_BUFFER_BYTES, value);
    }

    public void setUpstreamSelectors(String value) {
        upstreamAttributes.put(UpstreamSettings.SELECTORS, value);
    }

    public void setUpstreamMaxThreads(String value) {
        upstreamAttributes.put(UpstreamSettings.MAX_THREADS, value);
    }

    @Override
    protected void startInternal() throws LifecycleException {
        if (router == null) {
            throw new LifecycleException("FulcrumValve: router: missing (expected: a Router from the Fulcrum runtime"
                                         + " or set with setRouter before start)");
        }
        UpstreamClient upstream = sharedUpstream;
        if (upstream == null) {
            final UpstreamSettings settings;
            try {
                settings = UpstreamSettings.from(upstreamAttributes);
            } catch (IllegalArgumentException e) {
                throw new LifecycleException("FulcrumValve: " + e.getMessage(), e);
            }
            try {
                ownUpstream = UpstreamClient.start(settings);
            } catch (IllegalStateException e) {
                throw new LifecycleException("FulcrumValve: upstream client: " + e.getMessage(), e);
            }
            upstream = ownUpstream;
        }
        forwarder = new TomcatForwarder(upstream);
        super.startInternal();
    }

    @Override
    protected void stopInternal() throws LifecycleException {
        super.stopInternal();
        if (ownUpstream != null) {
            ownUpstream.close();
            ownUpstream = null;
        }
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getAttribute(ProxyExchange.ATTRIBUTE) != null) {
            // Tomcat re-dispatching a request this valve already forwards (an async error dispatch): its exchange
            // answers it; it must neither be routed a second time nor reach a webapp.
            return;
        }
        final RouteDecision decision = router.route(new ServletRequestView(request));
        if (decision == null) {
            getNext().invoke(request, response);
        } else if (decision instanceof RouteDecision.Respond respond) {
            ServletForwarding.writeRespond(response, respond);
        } else {
            forwarder.forward(request, response, (RouteDecision.Forward) decision);
        }
    }
}
