package dev.fulcrum.jetty;

import dev.fulcrum.routing.RequestView;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

import java.util.List;

/**
 * {@link RequestView} over a Jetty core request, for {@link FulcrumProxyHandler}: the same answers as common's
 * {@code ServletRequestView} gives for the same request through the servlet API. Read only while routing.
 */
final class CoreRequestView implements RequestView {

    private final Request request;

    CoreRequestView(Request request) {
        this.request = request;
    }

    /** The Host the router sees: the header without its port, else the request URI's host. */
    static String host(Request request) {
        final String header = request.getHeaders().get(HttpHeader.HOST);
        return header == null || header.isEmpty() ? Request.getServerName(request)
                : RequestView.hostWithoutPort(header);
    }

    @Override
    public String host() {
        return host(request);
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
        return RequestView.bareAddress(Request.getRemoteAddr(request));
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
