package dev.fulcrum.tomcat;

import dev.fulcrum.dashboard.Dashboard;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.runtime.SettingHost;
import dev.fulcrum.runtime.SettingsTable;
import dev.fulcrum.servlet.BlockingServletClient;
import dev.fulcrum.servlet.ServletForwarding;
import dev.fulcrum.servlet.ServletRequestView;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import jakarta.servlet.ServletException;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Tomcat {@code Valve} that load-balances the hosts Fulcrum knows and passes every other request down the
 * pipeline untouched, so the host's own webapps keep working. No routing rule lives here: it asks the
 * {@link Router} and forwards through the runtime's shared {@link UpstreamClient} without holding a Tomcat thread
 * per upstream request (see {@link TomcatForwarder}).
 *
 * <p>Declared in {@code server.xml}, the valve owns a whole {@link Fulcrum} runtime: the configuration store in
 * {@code dataDir}, the health monitors, the router, the upstream client, and the REST API on its own port
 * ({@code apiBind:apiPort}), served by a Tomcat connector in a small server of its own ({@link ApiListener}), so
 * that no Connector or Context is added to the host's Service (it would be reachable through every Host) and
 * everything the listener refuses is answered in the API's envelope.
 * Embedded hosts and tests may instead give a router with {@link #setRouter} (and a shared client with
 * {@link #setUpstreamClient}); the valve then owns no runtime, no API, and the runtime attributes are not used.
 *
 * <p>Attributes are the valve's rows of the settings table ({@link SettingsTable}); README lists them with every
 * host's spelling. Tomcat hands each to {@link #setProperty}; they are read on start, where a bad one fails the start
 * with a {@link LifecycleException} naming it ({@code FulcrumValve: upstreamConnectTimeout: 5 has no unit …}).
 * Durations need a unit ({@code ms}, {@code s}, {@code m} or {@code h}); sizes are bytes, alone or with
 * {@code KiB}, {@code MiB} or {@code GiB}; switches are {@code true} or {@code false} (also {@code yes}/{@code no},
 * {@code on}/{@code off}, {@code 1}/{@code 0}); an empty attribute means the default. The proxy's own port and
 * address are Tomcat's {@code Connector}'s, and the client behind another proxy is {@code RemoteIpValve}'s (below).
 * <table>
 *   <caption>FulcrumValve attributes</caption>
 *   <tr><th>attribute</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>apiPort</td><td>8081</td><td>port of the REST API listener (0 = any free port, logged)</td></tr>
 *   <tr><td>apiBind</td><td>127.0.0.1</td><td>address of the REST API listener</td></tr>
 *   <tr><td>dataDir</td><td>fulcrum-data</td><td>configuration and API token hash; relative to
 *       {@code $CATALINA_BASE}</td></tr>
 *   <tr><td>apiToken</td><td>the stored one; the first start generates one and shows it once</td><td>admin API
 *       token, 16+ characters; the generated one is logged once</td></tr>
 *   <tr><td>affinityKey</td><td>affinity.key in the data directory, created on the first start</td><td>base64 key
 *       signing {@code __cflb} cookies; share it between nodes</td></tr>
 *   <tr><td>affinitySessions</td><td>100000</td><td>header-affinity sessions kept in memory</td></tr>
 *   <tr><td>originCa</td><td>the JVM's trust store</td><td>PEM file of the CA certificates trusted for https origins,
 *       by traffic and health probes; replaces the JVM's default trust store for origins; relative to
 *       {@code $CATALINA_BASE}</td></tr>
 *   <tr><td>pop</td><td>none</td><td>this node's PoP code, for geo steering and the CF-Ray suffix</td></tr>
 *   <tr><td>country</td><td>none</td><td>this node's ISO-3166 country, for geo steering</td></tr>
 *   <tr><td>region</td><td>the country's region</td><td>this node's region code, for geo steering</td></tr>
 *   <tr><td>latitude</td><td>none</td><td>this node's latitude in degrees, for proximity steering</td></tr>
 *   <tr><td>longitude</td><td>none</td><td>this node's longitude in degrees, for proximity steering</td></tr>
 *   <tr><td>clientCountryHeader</td><td>off</td><td>a request header trusted to carry the client's
 *       country</td></tr>
 *   <tr><td>underscoresInHeaders</td><td>false</td><td>true forwards client headers whose name contains
 *       {@code _} to origins; by default they are dropped</td></tr>
 *   <tr><td>upstreamConnectTimeout</td><td>19s</td><td>TCP connect limit toward an origin (then 522)</td></tr>
 *   <tr><td>upstreamReadTimeout</td><td>100s</td><td>time to the first response byte (then 524)</td></tr>
 *   <tr><td>upstreamIdleTimeout</td><td>900s</td><td>how long a pooled origin connection stays open unused</td></tr>
 *   <tr><td>upstreamMaxConnectionsPerOrigin</td><td>1024</td><td>open connections per origin</td></tr>
 *   <tr><td>upstreamMaxQueuedPerOrigin</td><td>4096</td><td>requests waiting for a connection per origin</td></tr>
 *   <tr><td>upstreamReplayBufferBytes</td><td>65536</td><td>largest request body kept for a failover retry</td></tr>
 *   <tr><td>upstreamSelectors</td><td>one per CPU</td><td>selector threads of the upstream client, which also parse
 *       the origins' responses</td></tr>
 *   <tr><td>upstreamMaxThreads</td><td>200</td><td>threads of the upstream client, at least the selectors plus
 *       4</td></tr>
 *   <tr><td>etcdEndpoints</td><td>none: the configuration stays in the data directory</td><td>etcd v3 members
 *       ({@code http(s)://host:port}, comma-separated) of the cluster this node joins</td></tr>
 *   <tr><td>etcdPrefix</td><td>/fulcrum/</td><td>the key prefix of the cluster's data in etcd</td></tr>
 *   <tr><td>nodeName</td><td>the node's PoP code, else the host name</td><td>this node's name in the cluster and
 *       in {@code pop_health}</td></tr>
 *   <tr><td>etcdUser</td><td>none: etcd without authentication</td><td>etcd user to authenticate as (with the
 *       password)</td></tr>
 *   <tr><td>etcdPassword</td><td>none</td><td>that etcd user's password</td></tr>
 *   <tr><td>etcdCa</td><td>the JVM's trust store</td><td>PEM CA file for https:// etcd endpoints; relative to
 *       {@code $CATALINA_BASE}</td></tr>
 *   <tr><td>etcdCert</td><td>none</td><td>PEM client certificate for etcd's {@code --client-cert-auth}</td></tr>
 *   <tr><td>etcdKey</td><td>none</td><td>PEM private key of that certificate, unencrypted</td></tr>
 *   <tr><td>etcdLeaseTtl</td><td>10s</td><td>how long this node's health results outlive it in the cluster</td></tr>
 *   <tr><td>metricsPublic</td><td>false</td><td>true serves the Prometheus scrape ({@code /metrics} on the API
 *       listener) without the API token</td></tr>
 *   <tr><td>metricsJmx</td><td>false</td><td>true also publishes the meters as MBeans, domain {@code fulcrum}</td></tr>
 *   <tr><td>metricsPoolsOnly</td><td>false</td><td>true bounds the meters by pools instead of origins</td></tr>
 *   <tr><td>accessLog</td><td>false</td><td>true logs one line per forwarded attempt on logger
 *       {@code dev.fulcrum.access}</td></tr>
 * </table>
 * The upstream attributes are ignored when a shared client is given with {@link #setUpstreamClient}. An attribute
 * the valve does not know gets Tomcat's own warning ({@code failed to set property}), as for any other element.
 *
 * <p>The valve's upstream client runs its response callbacks on its selectors, one per CPU unless
 * {@code upstreamSelectors} says otherwise ({@code FulcrumSettings.Builder#selectorCallbacks}):
 * {@link TomcatForwarder} never blocks there, in async mode nor for a request mapped to no Context, whose blocking
 * writes happen on the valve's own thread.
 *
 * <pre>{@code
 * <Engine name="Catalina" defaultHost="localhost">
 *   <Valve className="dev.fulcrum.tomcat.FulcrumValve" dataDir="fulcrum-data" apiBind="127.0.0.1" apiPort="8081"/>
 *   ...
 * </Engine>
 * }</pre>
 * In the {@code Engine} it sees every request whatever Tomcat Host it maps to; in a {@code Host}, only that host's.
 *
 * <p>Behind another proxy, Tomcat's own {@code RemoteIpValve} gives the client's address (for
 * {@code CF-Connecting-IP}, {@code hash} steering, {@code ip_cookie} and {@code ip.src}) when it runs first: declared
 * before this valve in the same {@code Engine} (an {@code Engine}'s valves all run before any {@code Host}'s). Its
 * {@code internalProxies} (default: private and loopback ranges; a regular expression, on Tomcat 11 also CIDR
 * ranges) and {@code trustedProxies} say whose
 * {@code X-Forwarded-For} is believed; the proxy's address, {@code getPeerAddr()}, still ends the
 * {@code X-Forwarded-For} sent to the origin.
 * <pre>{@code
 * <Valve className="org.apache.catalina.valves.RemoteIpValve" internalProxies="10.0.0.0/8"/>
 * <Valve className="dev.fulcrum.tomcat.FulcrumValve" .../>
 * }</pre>
 */
public final class FulcrumValve extends ValveBase {

    /** Attributes as written in {@code server.xml}, by name; read through the settings table once, on start. */
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private Router router;
    private UpstreamClient sharedUpstream;

    // Started resources; at most one of the two modes' sets is non-null.
    private Fulcrum fulcrum;
    private ApiListener apiServer;
    private UpstreamClient ownUpstream;
    private volatile Router activeRouter;
    private TomcatForwarder forwarder;

    public FulcrumValve() {
        super(true);
    }

    /** The router deciding every request; given, the valve owns no runtime (embedded Tomcat, tests). */
    public void setRouter(Router router) {
        this.router = router;
    }

    /** With {@link #setRouter}: the shared upstream client; without one the valve builds its own. */
    public void setUpstreamClient(UpstreamClient upstream) {
        this.sharedUpstream = upstream;
    }

    /**
     * One attribute of the {@code <Valve/>} element: Tomcat's digester calls this for every attribute without a
     * setter of its own (its {@code IntrospectionUtils.setProperty} fallback, alike in Tomcat 10.1 and 11), so every
     * valve attribute of the {@link SettingsTable} needs no code here. The text is kept as written and read on
     * start, where a bad value fails the start naming the attribute.
     *
     * @return false for a name that is no attribute of the valve: Tomcat then logs its own warning ("failed to set
     *         property"), as for any unknown attribute
     */
    public boolean setProperty(String name, String value) {
        if (SettingsTable.find(SettingHost.TOMCAT_VALVE, name).isEmpty()) {
            return false;
        }
        attributes.put(name, value);
        return true;
    }

    /** The running runtime, or null when a router was given instead or the valve is stopped. */
    public Fulcrum fulcrum() {
        return fulcrum;
    }

    /** The port the REST API listens on, or -1 when the valve serves no API (stopped, or given a router). */
    public int apiLocalPort() {
        final ApiListener api = apiServer;
        return api == null ? -1 : api.port();
    }

    @Override
    protected void startInternal() throws LifecycleException {
        if (router == null) {
            startRuntime();
        } else {
            startWithGivenRouter();
        }
        super.startInternal();
    }

    private void startWithGivenRouter() throws LifecycleException {
        UpstreamClient upstream = sharedUpstream;
        if (upstream == null) {
            final UpstreamSettings settings = settings().upstream();
            try {
                ownUpstream = UpstreamClient.start(settings);
            } catch (IllegalStateException e) {
                throw new LifecycleException("FulcrumValve: upstream client: " + e.getMessage(), e);
            }
            upstream = ownUpstream;
        }
        activeRouter = router;
        forwarder = new TomcatForwarder(upstream);
    }

    private void startRuntime() throws LifecycleException {
        final FulcrumSettings settings = settings();
        // The API's port first: a start that cannot have it creates nothing (no data directory, no token).
        final ApiListener bound;
        try {
            bound = ApiListener.bind(settings.apiBind(), settings.apiPort());
        } catch (UncheckedIOException e) {
            throw new LifecycleException("FulcrumValve: apiBind/apiPort: " + e.getMessage(), e);
        }
        final Fulcrum started;
        try {
            started = new Fulcrum(settings).start();
        } catch (RuntimeException e) {
            bound.close();
            throw new LifecycleException("FulcrumValve: " + e.getMessage(), e);
        }
        apiServer = bound.serve(started.api(), started.metricsEndpoint());
        final String token = started.generatedApiToken();
        if (token != null) {
            containerLog.info("Fulcrum generated an API token; it is shown only now (its SHA-256 is in "
                    + started.apiTokenFile() + "): " + token);
        }
        final String api = "http://" + settings.apiBind() + ':' + apiServer.port();
        started.announce("api " + api + "/client/v4, dashboard " + api + Dashboard.PATH + "/");
        fulcrum = started;
        activeRouter = started.router();
        forwarder = new TomcatForwarder(started.upstream());
    }

    /**
     * Every attribute read through the settings table, once; the message names the attribute, the value and the
     * expectation. The upstream client's callbacks run on its selectors: {@link TomcatForwarder} never blocks there.
     */
    private FulcrumSettings settings() throws LifecycleException {
        try {
            final FulcrumSettings.Builder builder = FulcrumSettings.builder().host(SettingHost.TOMCAT_VALVE)
                    .baseDirectory(catalinaBase()).selectorCallbacks();
            attributes.forEach((name, value) -> builder.text(SettingsTable.find(SettingHost.TOMCAT_VALVE, name)
                    .orElseThrow(), value, name));
            return builder.build();
        } catch (FulcrumSettings.InvalidSettingException e) {
            throw new LifecycleException("FulcrumValve: " + e.getMessage(), e);
        }
    }

    /** Relative data directories live in {@code $CATALINA_BASE}, whatever directory Tomcat was started from. */
    private Path catalinaBase() {
        final File base = getContainer() == null ? null : getContainer().getCatalinaBase();
        if (base != null) {
            return base.toPath().toAbsolutePath();
        }
        final String property = System.getProperty("catalina.base");
        return Path.of(property == null ? "" : property).toAbsolutePath();
    }

    @Override
    protected void stopInternal() throws LifecycleException {
        super.stopInternal();
        activeRouter = null;
        if (apiServer != null) {
            apiServer.close();
            apiServer = null;
        }
        if (fulcrum != null) {
            fulcrum.stop();
            fulcrum = null;
        }
        if (ownUpstream != null) {
            ownUpstream.close();
            ownUpstream = null;
        }
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getAttribute(TomcatForwarder.FORWARDED) != null) {
            // Tomcat re-dispatching a request this valve already forwards (an async error dispatch): its exchange
            // answers it; it must neither be routed a second time nor reach a webapp.
            return;
        }
        final Router r = activeRouter;
        if (r == null || response.isError()) {
            // Stopping: the store and the upstream client are going away; the host's own pipeline still answers.
            // Or Tomcat has already refused the request (an invalid URI, a CONNECT: its adapter still runs the
            // pipeline so that the error report answers): such a request is never forwarded.
            getNext().invoke(request, response);
            return;
        }
        // The peer apart from the client: behind a RemoteIpValve, getRemoteAddr() is the client it derived and
        // getPeerAddr() the proxy, which X-Forwarded-For toward the origin ends with (spec §8.1).
        final RouteDecision decision = r.route(new ServletRequestView(request, request.getPeerAddr()));
        if (decision == null) {
            getNext().invoke(request, response);
        } else if (decision instanceof RouteDecision.Respond respond) {
            ServletForwarding.writeRespond(response, respond);
        } else if (BlockingServletClient.opensWebSocket(request)) {
            forwarder.openWebSocket(request, response, (RouteDecision.Forward) decision);
        } else {
            forwarder.forward(request, response, (RouteDecision.Forward) decision);
        }
    }
}
