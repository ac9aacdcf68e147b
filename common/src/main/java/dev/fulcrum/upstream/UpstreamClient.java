package dev.fulcrum.upstream;

import dev.fulcrum.net.ConnectTo;
import dev.fulcrum.net.ConnectToResolver;
import dev.fulcrum.net.OriginTls;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.link.OriginLinks;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.UpgradeProtocolHandler;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.HostPort;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one upstream HTTP client of a runtime, shared by every wrapper it hosts: a Jetty {@link HttpClient} with a
 * keep-alive connection pool per origin (spec §8.2: connect 19 s, read 100 s, pooled idle 900 s by default), and
 * for https one per origin and TLS name. Requests speak HTTP/1.1 unless built for HTTP/2 (gRPC calls), which then
 * have multiplexed pools of their own with the same timeouts ({@link OriginTransport}).
 *
 * <p>TLS ("Full (strict)"): the Host value the request carries is the SNI and the name the origin's certificate is
 * verified against, with the trust store of the settings (the JVM's by default); a handshake failure answers 525,
 * an untrusted certificate or one for another name 526. Origin host names are looked up when a connection opens,
 * never on a selector, and each answer is kept at most 5 s ({@code OriginDnsCache}); a name that does not resolve
 * is an origin DNS error (failover, else 530/1016).
 *
 * <p>It behaves as a transparent hop: no redirects followed, no cookies stored, no content decoding (gzip passes
 * through untouched), no authentication or continue handling, and it adds no User-Agent or Content-Type of its own.
 *
 * <p>Lifecycle: {@link #start} builds and starts it; {@link #close} stops it. Wrappers never stop it themselves.
 * Thread safety: safe to share.
 */
public final class UpstreamClient implements AutoCloseable {

    private static final String HTTPS = "https";

    /**
     * More distinct origins (and https Host names, which are load balancer names or {@code header.Host} overrides)
     * than any configuration holds; beyond it the cache starts over (configuration churn).
     */
    private static final int TARGETS_MAX = 10_000;

    /** Spec §8.2 allows 32 KB of request headers from the client; ours (CF-*, X-Forwarded-*) come on top. */
    private static final int MAX_REQUEST_HEADERS = 40 * 1024;

    private final HttpClient client;
    private final UpstreamSettings settings;
    private final OriginConnections connections;
    /** Started by the first host that asks for them ({@link #links()}); the servlet hosts never do. */
    private OriginLinks links;
    /**
     * Origins by address ({@link BaseKey}; https ones by address and TLS name, {@link TlsKey}): java.net.URI
     * parsing of {@code scheme://address:port} on every request was about 2 % of the proxy's CPU in the
     * side-by-side benchmark's profile.
     */
    private final ConcurrentHashMap<Object, Target> targets = new ConcurrentHashMap<>();
    private volatile Consumer<RouteDecision.Forward> staleRetries = forward -> { };

    private UpstreamClient(HttpClient client, UpstreamSettings settings, OriginConnections connections) {
        this.client = client;
        this.settings = settings;
        this.connections = connections;
    }

    /**
     * Builds and starts the client.
     *
     * @throws IllegalStateException if Jetty's client cannot start (e.g. no threads)
     */
    public static UpstreamClient start(UpstreamSettings settings) {
        return start(settings, null);
    }

    /**
     * Builds and starts the client, reporting every upstream connection it opens and closes to
     * {@code connections} (for {@code least_connections} steering), keyed by the origin address and port the
     * decision named.
     *
     * @param connections the router's tracker, or null to report nothing
     */
    public static UpstreamClient start(UpstreamSettings settings, OriginConnections connections) {
        final QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads());
        threads.setName("fulcrum-upstream");
        threads.setDaemon(true);
        final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("fulcrum-upstream-scheduler",
                true);
        final ClientConnector connector = new ClientConnector();
        connector.setSelectors(settings.selectors());
        connector.setExecutor(threads);
        connector.setSslContextFactory(OriginTls.verifying(settings.trustStore()));
        final HttpClient client = new HttpClient(OriginTransport.of(connector, MAX_REQUEST_HEADERS,
                settings.readTimeout().toMillis(), settings.idleTimeout().toMillis(), connections));
        client.setExecutor(threads);
        client.setScheduler(scheduler);
        // Connections go to the origin's address; https ones name their TLS peer after the Host (ConnectTo). A name
        // lookup gets the connect limit, and its answer is kept at most 5 s (OriginDnsCache).
        client.setSocketAddressResolver(new ConnectToResolver(new OriginDnsCache(
                new SocketAddressResolver.Async(threads, scheduler, settings.connectTimeout().toMillis()))));
        if (settings.nonBlocking()) {
            // Response parsing and the wrapper's callbacks then run on the selector thread that read the bytes,
            // saving a hand-off to the pool per response; sound only because such wrappers never block there.
            client.getHttpClientTransport().setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        }
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setIdleTimeout(settings.idleTimeout().toMillis());
        client.setMaxConnectionsPerDestination(settings.maxConnectionsPerOrigin());
        client.setMaxRequestsQueuedPerDestination(settings.maxQueuedPerOrigin());
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.setDefaultRequestContentType(null);
        client.setMaxRequestHeadersSize(MAX_REQUEST_HEADERS);
        client.setMaxResponseHeadersSize(32 * 1024);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the upstream client: " + e, e);
        }
        // Transparent hop: pass encodings through and leave 401/407/3xx/100 handling to the client. The upgrade
        // handler stays: it acts only on a 101 to a request that asked for an upgrade (a WebSocket handshake).
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
        client.getProtocolHandlers().put(new UpgradeProtocolHandler());
        return new UpstreamClient(client, settings, connections);
    }

    public HttpClient httpClient() {
        return client;
    }

    public UpstreamSettings settings() {
        return settings;
    }

    /**
     * The origin links ({@link OriginLinks}) beside the client, started on first use with the client's threads,
     * scheduler, buffers and name lookups, and as many selectors as the client has; null unless the settings ask for
     * them ({@link UpstreamSettings#links()}).
     */
    public synchronized OriginLinks links() {
        if (links == null && settings.links()) {
            links = OriginLinks.start(settings.selectors(), client.getExecutor(), client.getScheduler(),
                    client.getByteBufferPool(), client.getSocketAddressResolver(), settings.connectTimeout(),
                    settings.readTimeout(), settings.idleTimeout(), settings.maxConnectionsPerOrigin(),
                    settings.maxQueuedPerOrigin(), connections);
        }
        return links;
    }

    /** The links started so far, or null (metrics read them without starting them). */
    public synchronized OriginLinks startedLinks() {
        return links;
    }

    /** Reports a send repeated on a fresh connection outside this client (the links' stale-connection retry). */
    public void staleConnectionRetried(RouteDecision.Forward forward) {
        staleRetries.accept(forward);
    }

    /**
     * A request toward the decision's origin over HTTP/1.1, carrying the client's raw path and query, with the read
     * timeout applied as the idle timeout of the exchange. Headers and body are the caller's job; send it with
     * {@link #send(RouteDecision.Forward, Request, boolean, Response.CompleteListener)}.
     *
     * <p>An https request names its TLS peer after the decision's Host value (spec §8.1: the client's Host or the
     * origin's {@code header.Host}): that name is the SNI and the name the certificate must carry, and it is part of
     * the connection pool's key. A plain http origin keeps one pool whatever the Host.
     */
    public Request newRequest(RouteDecision.Forward forward, String method, String rawPath, String rawQuery) {
        return newRequest(forward, method, rawPath, rawQuery, false);
    }

    /**
     * As {@link #newRequest(RouteDecision.Forward, String, String, String)}, over HTTP/2 when {@code http2}: h2c
     * with prior knowledge to an http origin, h2 by ALPN to an https one, on connections multiplexed and kept alive
     * like HTTP/1.1 ones (in a pool of their own).
     */
    public Request newRequest(RouteDecision.Forward forward, String method, String rawPath, String rawQuery,
                              boolean http2) {
        final String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        final Target target = target(forward);
        final Request request = client.newRequest(target.base)
                .method(method)
                .version(http2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1)
                .path(rawQuery == null ? path : path + '?' + rawQuery)
                .idleTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false);
        return target.tag == null ? request : request.tag(target.tag);
    }

    /** The decision's origin (and for https its TLS name): its base URI, parsed once, and its destination. */
    private Target target(RouteDecision.Forward forward) {
        final String scheme = forward.scheme();
        final String tlsName = HTTPS.equals(scheme) ? ConnectTo.peerName(forward.hostHeader()) : null;
        // Plain http keeps the key it always had (one pool per origin, nothing more to hash per request).
        final Object key = tlsName == null ? new BaseKey(scheme, forward.address(), forward.port())
                : new TlsKey(forward.address(), forward.port(), tlsName);
        final Target cached = targets.get(key);
        if (cached != null) {
            return cached;
        }
        if (targets.size() >= TARGETS_MAX) {
            targets.clear();
        }
        final String address = forward.address();
        final String host = address.indexOf(':') >= 0 && !address.startsWith("[") ? '[' + address + ']' : address;
        final Target target = new Target(URI.create(scheme + "://" + host + ':' + forward.port()),
                tlsName == null ? null : new ConnectTo(host, address, tlsName));
        final Target raced = targets.putIfAbsent(key, target);
        return raced == null ? target : raced;
    }

    /**
     * The destination (connection pool) of a request built by {@link #newRequest}, resolved once per origin: Jetty's
     * own lookup builds an origin key and locks a map bin and the destination on every request, about 2 % of the
     * proxy's CPU in the side-by-side benchmark. Sound because this client never removes destinations (its
     * destination idle timeout stays 0) until it stops.
     */
    private Destination destination(RouteDecision.Forward forward, Request request) {
        final Target target = target(forward);
        final boolean http2 = request.getVersion() == HttpVersion.HTTP_2;
        Destination destination = http2 ? target.http2 : target.destination;
        if (destination == null) {
            destination = client.resolveDestination(request);
            if (http2) {
                target.http2 = destination;
            } else {
                target.destination = destination;
            }
        }
        return destination;
    }

    /**
     * Tells {@code listener} about every send repeated on a fresh connection ({@link #send} with
     * {@code freshConnection}), e.g. to count stale-connection retries. Replaces the previous listener; it must be
     * quick and must not throw.
     */
    public void onStaleConnectionRetry(Consumer<RouteDecision.Forward> listener) {
        this.staleRetries = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Sends a request built by {@link #newRequest} for {@code forward}, through the pool or, for a stale-connection
     * retry, on a connection of its own that is closed when the exchange completes. If that fresh connection cannot
     * even be opened, the request goes through the pool, which then reports the connect failure the usual way.
     */
    public void send(RouteDecision.Forward forward, Request request, boolean freshConnection,
                     Response.CompleteListener listener) {
        final Destination destination = destination(forward, request);
        if (request.getVersion() == HttpVersion.HTTP_2) {
            authority(request, forward.hostHeader());
        }
        if (!freshConnection) {
            sendThrough(destination, request, listener);
            return;
        }
        staleRetries.accept(forward);
        destination.newConnection(Promise.from(connection -> sendOn(connection, request, listener),
                failure -> sendThrough(destination, request, listener)));
    }

    /**
     * HTTP/2 names the host in {@code :authority}, which Jetty's client takes from the request's host and port, and
     * a Host header that differs from it makes the request malformed (RFC 9113 §8.3.1). The destination, and so the
     * origin connected to, is chosen already: the request's host and port become the Host value the rules chose
     * (spec §8.1), and the header goes.
     */
    private static void authority(Request request, String hostHeader) {
        request.headers(headers -> headers.remove(HttpHeader.HOST));
        if (hostHeader != null && !hostHeader.isEmpty()) {
            final HostPort authority = new HostPort(hostHeader);
            request.host(authority.getHost()).port(authority.getPort(-1));
        }
    }

    /** As {@code Request.send} does once it has the destination: a failure to queue ends up in the listener. */
    private static void sendThrough(Destination destination, Request request, Response.CompleteListener listener) {
        try {
            destination.send(request, listener);
        } catch (RuntimeException e) {
            request.abort(e);
        }
    }

    private static void sendOn(Connection connection, Request request, Response.CompleteListener listener) {
        request.onComplete(result -> connection.close());
        connection.send(request, listener);
    }

    /** An origin reached without a TLS name: plain http, or https with no Host value (then the address names it). */
    private record BaseKey(String scheme, String address, int port) {
    }

    /** An https origin and the TLS name its requests carry: connections for one name never serve another. */
    private record TlsKey(String address, int port, String tlsName) {
    }

    /**
     * One origin's base URI, for https the tag naming its TLS peer (null for http), and, once the first request was
     * sent there, its destination (one per protocol).
     */
    private static final class Target {

        final URI base;
        final ConnectTo tag;
        volatile Destination destination;
        /** The destination of its HTTP/2 requests, once one was sent. */
        volatile Destination http2;

        Target(URI base, ConnectTo tag) {
            this.base = base;
            this.tag = tag;
        }
    }

    /** Stops the client and closes every pooled connection. */
    @Override
    public void close() {
        final OriginLinks started = startedLinks();
        if (started != null) {
            started.close();
        }
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the upstream client: " + e, e);
        }
    }
}
