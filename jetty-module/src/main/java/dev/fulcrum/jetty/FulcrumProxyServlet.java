package dev.fulcrum.jetty;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.servlet.ServletForwarding;
import dev.fulcrum.servlet.ServletRequestView;
import dev.fulcrum.servlet.WebSocketForwarding;
import dev.fulcrum.upstream.ProxyExchange;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.UpstreamClient;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.util.Callback;

import java.io.EOFException;
import java.io.IOException;

/**
 * Jetty's {@link AsyncProxyServlet} driven by Fulcrum's router, through Jetty's own hooks (no routing rule lives
 * here):
 * <ul>
 *   <li>{@link #rewriteTarget} asks the router; the decision travels in the request attribute named
 *       {@code RouteDecision}'s class name, and the attempt state in {@link ProxyExchange#ATTRIBUTE};</li>
 *   <li>no decision (the host is no load balancer's) is never proxied: {@link #onProxyRewriteFailed} answers 404;
 *       a {@link RouteDecision.Respond} is written directly;</li>
 *   <li>{@link #copyRequestHeaders} / {@link #onServerResponseHeaders} apply common's header rules
 *       ({@link ServletForwarding}), and {@link #addProxyHeaders} adds nothing beyond the router's headers;</li>
 *   <li>{@link #onProxyResponseSuccess} / {@link #onProxyResponseFailure} report the outcome, map failures to
 *       the 52x answers and drive the retries decided by {@link ProxyExchange}.</li>
 * </ul>
 *
 * <p><b>Retries.</b> A failed send that {@link ProxyExchange} allows to repeat (stale pooled connection, or a
 * connection-class failure with a failover target) is sent again from {@link #onProxyResponseFailure}: nothing
 * has reached the client then, so the same servlet response stays open and a new upstream request is built with
 * the same hooks. A body is repeatable only when it was buffered ({@link RequestBody#BUFFERED}): such bodies are
 * read fully before the first send, larger or chunked ones are streamed once and never replayed.
 *
 * <p><b>No blocking.</b> Request bodies beyond the replay limit are read with a {@code ReadListener} and responses
 * written with a {@code WriteListener} (the Async variant of Jetty's proxy servlet), so a slow client never holds a
 * thread and no upstream callback blocks; that is what allows the upstream client to run its callbacks on its
 * selector ({@code UpstreamSettings#nonBlocking}). The small 52x answers and direct responses are written before
 * any write listener is set, to an empty socket buffer.
 *
 * <p><b>Where it runs.</b> In any servlet container, through the WAR. The standalone and the Jetty module serve
 * the same traffic with {@link FulcrumProxyHandler}, a Jetty core handler applying the same common rules without
 * the servlet layer.
 *
 * <p><b>Wiring.</b> Construct it with a router and the runtime's shared {@link UpstreamClient}, or declare it in
 * {@code web.xml} and put both in servlet-context attributes named {@link #ROUTER_ATTRIBUTE} and
 * {@link #UPSTREAM_ATTRIBUTE} before it initialises. The upstream client belongs to the runtime: {@link #destroy}
 * leaves it running.
 */
public class FulcrumProxyServlet extends AsyncProxyServlet {

    /** Servlet-context attribute holding the {@link Router} when the no-argument constructor is used. */
    public static final String ROUTER_ATTRIBUTE = Router.class.getName();
    /** Servlet-context attribute holding the shared {@link UpstreamClient} when the no-argument constructor is used. */
    public static final String UPSTREAM_ATTRIBUTE = UpstreamClient.class.getName();
    /** Request attribute holding this request's {@link RouteDecision}. */
    public static final String DECISION_ATTRIBUTE = RouteDecision.class.getName();

    // Bodies carry the client's Content-Type header (or none); the content object must not invent one.
    private static final String NO_CONTENT_TYPE = null;

    private Router router;
    private UpstreamClient upstream;
    /** How a WebSocket handshake switches the client connection here; null where it cannot (ServletUpgrades). */
    private WebSocketForwarding.Upgrade webSocketUpgrade = WebSocketForwarding.SERVLET_UPGRADE;

    /** For {@code web.xml}: router and upstream client come from servlet-context attributes at init. */
    public FulcrumProxyServlet() {
    }

    public FulcrumProxyServlet(Router router, UpstreamClient upstream) {
        if (router == null || upstream == null) {
            throw new IllegalArgumentException("router and upstream client are required");
        }
        this.router = router;
        this.upstream = upstream;
    }

    @Override
    public void init() throws ServletException {
        if (router == null) {
            router = contextAttribute(ROUTER_ATTRIBUTE, Router.class);
        }
        if (upstream == null) {
            upstream = contextAttribute(UPSTREAM_ATTRIBUTE, UpstreamClient.class);
        }
        webSocketUpgrade = ServletUpgrades.choose(getClass().getClassLoader(),
                getServletContext().getServerInfo());
        super.init();
    }

    private <T> T contextAttribute(String name, Class<T> type) throws ServletException {
        final Object value = getServletContext().getAttribute(name);
        if (!type.isInstance(value)) {
            throw new ServletException("servlet-context attribute " + name + ": "
                                       + (value == null ? "missing" : value.getClass().getName())
                                       + " (expected: a " + type.getName() + " set by the Fulcrum runtime)");
        }
        return type.cast(value);
    }

    @Override
    protected HttpClient createHttpClient() {
        return upstream.httpClient();
    }

    @Override
    public void destroy() {
        // The upstream client is the runtime's and shared with other wrappers: it outlives this servlet.
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (WebSocketForwarding.isUpgrade(request)) {
            openWebSocket(request, response);
            return;
        }
        try {
            super.service(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            // A decision was taken but never sent: its outcome must still be reported once.
            final ProxyExchange exchange = exchange(request);
            if (exchange != null) {
                exchange.cancelled();
            }
            throw e;
        }
    }

    /** A WebSocket handshake: routed like any request, then tunnelled by common's {@link WebSocketForwarding}. */
    private void openWebSocket(HttpServletRequest request, HttpServletResponse response) throws IOException {
        final RouteDecision decision = router.route(new ServletRequestView(request));
        if (decision instanceof RouteDecision.Forward forward) {
            if (webSocketUpgrade == null) {
                // Decided but never sent: the outcome is still owed.
                forward.complete(Outcome.CANCELLED, 0, 0);
                response.sendError(HttpServletResponse.SC_NOT_IMPLEMENTED,
                        "WebSockets need Fulcrum's Jetty module in Jetty, not the WAR");
                return;
            }
            WebSocketForwarding.forward(request, response, forward, upstream, webSocketUpgrade);
        } else if (decision instanceof RouteDecision.Respond respond) {
            ServletForwarding.writeRespond(response, respond);
        } else {
            ServletForwarding.writeNotFound(response);
        }
    }

    @Override
    protected String rewriteTarget(HttpServletRequest request) {
        final RouteDecision decision = router.route(new ServletRequestView(request));
        if (decision == null) {
            return null;
        }
        request.setAttribute(DECISION_ATTRIBUTE, decision);
        if (!(decision instanceof RouteDecision.Forward forward)) {
            return null;
        }
        final RequestBody body = ServletForwarding.requestBody(request, upstream.settings().replayBufferBytes());
        request.setAttribute(ProxyExchange.ATTRIBUTE, new ProxyExchange(forward, request.getMethod(), body));
        // Only for Jetty's debug log: newProxyRequest builds the real target from the exchange.
        return forward.scheme() + "://" + forward.address() + ':' + forward.port() + request.getRequestURI();
    }

    @Override
    protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
        try {
            if (request.getAttribute(DECISION_ATTRIBUTE) instanceof RouteDecision.Respond respond) {
                ServletForwarding.writeRespond(response, respond);
            } else {
                ServletForwarding.writeNotFound(response);
            }
        } catch (IOException e) {
            _log.debug("cannot write a direct answer", e);
        }
    }

    @Override
    protected Request newProxyRequest(HttpServletRequest request, String rewrittenTarget) {
        final ProxyExchange exchange = exchange(request);
        return upstream.newRequest(exchange.forward(), request.getMethod(), request.getRequestURI(),
                request.getQueryString()).attribute(CLIENT_REQUEST_ATTRIBUTE, request)
                .attribute(ProxyExchange.ATTRIBUTE, exchange);
    }

    @Override
    protected void copyRequestHeaders(HttpServletRequest request, Request proxyRequest) {
        ServletForwarding.copyRequestHeaders(request, exchange(proxyRequest).forward(), proxyRequest);
    }

    @Override
    protected void addProxyHeaders(HttpServletRequest request, Request proxyRequest) {
        // The router's headers (X-Forwarded-*, CF-*) are the whole set: no Via, no Forwarded.
    }

    @Override
    protected boolean hasContent(HttpServletRequest request) {
        return exchange(request).body() != RequestBody.NONE;
    }

    @Override
    protected boolean expects100Continue(HttpServletRequest request) {
        // The container answers 100-continue when the body is read; Expect is not forwarded (ProxyHeaders).
        return false;
    }

    @Override
    protected Request.Content proxyRequestContent(HttpServletRequest request, HttpServletResponse response,
                                                  Request proxyRequest) throws IOException {
        final ProxyExchange exchange = exchange(request);
        if (exchange.body() == RequestBody.BUFFERED) {
            // At most the replay limit, read on the container thread before the first send.
            final int length = (int) request.getContentLengthLong();
            final byte[] body = request.getInputStream().readNBytes(length);
            if (body.length < length) {
                exchange.clientGone();
                throw new EOFException("client sent " + body.length + " of " + length + " body bytes");
            }
            exchange.bufferedBody(body);
            return new BytesRequestContent(NO_CONTENT_TYPE, body);
        }
        // Streamed once, without blocking: AsyncProxyServlet's ReadListener; a failed client read ends in
        // onClientRequestFailure, which marks the client gone so the origin is not blamed for it.
        return super.proxyRequestContent(request, response, proxyRequest);
    }

    @Override
    protected StreamWriter newWriteListener(HttpServletRequest request, Response proxyResponse) {
        return new ClientWriter(request, proxyResponse);
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest request, HttpServletResponse response, Request proxyRequest) {
        final ProxyExchange exchange = exchange(proxyRequest);
        exchange.begin();
        upstream.send(exchange.forward(), proxyRequest, exchange.freshConnection(),
                newProxyResponseListener(request, response));
    }

    @Override
    protected void onServerResponseHeaders(HttpServletRequest request, HttpServletResponse response,
                                           Response serverResponse) {
        ServletForwarding.copyResponseHeaders(serverResponse, exchange(serverResponse.getRequest()).forward(),
                response);
    }

    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response,
                                     Response proxyResponse, byte[] buffer, int offset, int length,
                                     Callback callback) {
        final ProxyExchange exchange = exchange(proxyResponse.getRequest());
        super.onResponseContent(request, response, proxyResponse, buffer, offset, length,
                Callback.from(callback::succeeded, failure -> {
                    exchange.clientGone();
                    callback.failed(failure);
                }));
    }

    @Override
    protected void onProxyResponseSuccess(HttpServletRequest request, HttpServletResponse response,
                                          Response serverResponse) {
        exchange(serverResponse.getRequest()).responded(serverResponse.getStatus());
        super.onProxyResponseSuccess(request, response, serverResponse);
    }

    @Override
    protected void onClientRequestFailure(HttpServletRequest request, Request proxyRequest,
                                          HttpServletResponse response, Throwable failure) {
        exchange(request).clientGone();
        super.onClientRequestFailure(request, proxyRequest, response, failure);
    }

    @Override
    protected void onProxyResponseFailure(HttpServletRequest request, HttpServletResponse response,
                                          Response serverResponse, Throwable failure) {
        final ProxyExchange exchange = exchange(request);
        final int status = serverResponse == null ? 0 : serverResponse.getStatus();
        switch (exchange.failed(failure, status, response.isCommitted())) {
            case RETRY_FRESH_CONNECTION, FAILOVER -> resend(request, response, exchange);
            case GIVE_UP -> giveUp(request, response, exchange);
        }
    }

    private void resend(HttpServletRequest request, HttpServletResponse response, ProxyExchange exchange) {
        try {
            final Request proxyRequest = newProxyRequest(request, null);
            copyRequestHeaders(request, proxyRequest);
            addProxyHeaders(request, proxyRequest);
            if (exchange.bufferedBody() != null) {
                proxyRequest.body(new BytesRequestContent(NO_CONTENT_TYPE, exchange.bufferedBody()));
            }
            sendProxyRequest(request, response, proxyRequest);
        } catch (RuntimeException e) {
            // Nothing was sent for this attempt: report it and answer rather than leave the client waiting.
            _log.warn("cannot resend {} {}", request.getMethod(), request.getRequestURI(), e);
            exchange.cancelled();
            sendProxyResponseError(request, response, HttpServletResponse.SC_BAD_GATEWAY);
        }
    }

    private void giveUp(HttpServletRequest request, HttpServletResponse response, ProxyExchange exchange) {
        if (exchange.isClientGone() || response.isCommitted()) {
            // Too late for a status: Jetty's proxy aborts the client connection on sendError(-1).
            sendProxyResponseError(request, response, -1);
            return;
        }
        try {
            ServletForwarding.writeFailure(response, exchange.failure(), exchange.forward());
        } catch (IOException | IllegalStateException e) {
            _log.debug("cannot write the failure answer", e);
        }
        request.getAsyncContext().complete();
    }

    /**
     * The exchange an upstream request was built for, from that request's own attribute map. The response-side hooks
     * use it rather than the servlet request's attributes, whose lookup goes through Jetty's synthetic servlet
     * attributes first: that was about 3 % of the proxy's CPU in the side-by-side benchmark's profile.
     */
    private static ProxyExchange exchange(Request proxyRequest) {
        return (ProxyExchange) proxyRequest.getAttributes().get(ProxyExchange.ATTRIBUTE);
    }

    private static ProxyExchange exchange(HttpServletRequest request) {
        return (ProxyExchange) request.getAttribute(ProxyExchange.ATTRIBUTE);
    }

    /**
     * Writes the origin's content to the client without blocking; a failed write means the client went away, which
     * is marked before the upstream response is aborted so the attempt is reported as cancelled, not as an origin
     * failure.
     */
    private final class ClientWriter extends StreamWriter {

        private final HttpServletRequest request;

        ClientWriter(HttpServletRequest request, Response proxyResponse) {
            super(request, proxyResponse);
            this.request = request;
        }

        @Override
        public void onError(Throwable failure) {
            final ProxyExchange exchange = exchange(request);
            if (exchange != null) {
                exchange.clientGone();
            }
            super.onError(failure);
        }
    }
}
