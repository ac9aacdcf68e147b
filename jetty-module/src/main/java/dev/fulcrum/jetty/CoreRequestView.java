package dev.fulcrum.jetty;

import dev.fulcrum.request.RequestView;
import dev.fulcrum.routing.TrustedProxies;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * {@link RequestView} over a Jetty core request, for {@link FulcrumProxyHandler}: the same answers as common's
 * {@code ServletRequestView} gives for the same request through the servlet API. Read only while routing.
 *
 * <p>The client: with {@link TrustedProxies} configured, the one they derive from the connection's peer and
 * {@code X-Forwarded-For}; otherwise the request's remote address, which Jetty's {@code ForwardedRequestCustomizer}
 * ({@code http-forwarded}) replaces when the connector has it. The peer is always the connection's own.
 */
final class CoreRequestView implements RequestView {

    private final Request request;
    private final TrustedProxies trustedProxies;
    /** Derived once: the rules, the hash and the forwarding headers all read it. */
    private String client;
    private String peer;

    CoreRequestView(Request request, TrustedProxies trustedProxies) {
        this.request = request;
        this.trustedProxies = trustedProxies;
    }

    /** The Host the router sees: the header without its port, else the request URI's host. */
    @Override
    public String host() {
        final String header = request.getHeaders().get(HttpHeader.HOST);
        return header == null || header.isEmpty() ? Request.getServerName(request)
                : RequestView.hostWithoutPort(header);
    }

    /** The Host header (HTTP/1.1), else the URI's authority, where Jetty puts HTTP/2's {@code :authority}. */
    @Override
    public String authority() {
        final String header = request.getHeaders().get(HttpHeader.HOST);
        if (header != null && !header.isEmpty()) {
            return header;
        }
        final HttpURI uri = request.getHttpURI();
        if (uri.getHost() == null) {
            return host();
        }
        return uri.getPort() > 0 ? uri.getHost() + ':' + uri.getPort() : uri.getHost();
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        // The path as received, still encoded (what the servlet API's getRequestURI gives).
        final String path = request.getHttpURI().getPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public String query() {
        return request.getHttpURI().getQuery();
    }

    @Override
    public String scheme() {
        final HttpURI uri = request.getHttpURI();
        final String scheme = uri.getScheme();
        if (scheme != null) {
            return scheme;
        }
        return request.isSecure() ? "https" : "http";
    }

    @Override
    public String clientAddress() {
        if (client == null) {
            client = trustedProxies.isEmpty() ? RequestView.bareAddress(Request.getRemoteAddr(request))
                    : trustedProxies.clientOf(peerAddress(),
                            request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR));
        }
        return client;
    }

    @Override
    public String peerAddress() {
        if (peer == null) {
            final ConnectionMetaData connection = request.getConnectionMetaData();
            final SocketAddress remote = connection.getConnection().getEndPoint().getRemoteSocketAddress();
            // Usually the very address the request reports (no customizer replaced it): no second conversion.
            peer = remote == connection.getRemoteSocketAddress() && trustedProxies.isEmpty() ? clientAddress()
                    : text(remote);
        }
        return peer;
    }

    /** An address as {@code Request.getRemoteAddr} writes it, without brackets. */
    private static String text(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? RequestView.bareAddress(inet.getHostString())
                    : inet.getAddress().getHostAddress();
        }
        return address == null ? null : address.toString();
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.getHeaders().getValuesList(name);
    }

    @Override
    public String protocol() {
        return request.getConnectionMetaData().getProtocol();
    }

    @Override
    public String cookie(String name) {
        // Parsed once per request by Jetty (with the connector's cookie compliance) and cached in an attribute.
        final List<HttpCookie> cookies = Request.getCookies(request);
        for (HttpCookie cookie : cookies) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }
}
