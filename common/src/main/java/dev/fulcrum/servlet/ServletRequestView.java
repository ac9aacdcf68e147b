package dev.fulcrum.servlet;

import dev.fulcrum.request.RequestView;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * {@link RequestView} over a Jakarta servlet request, used by the Jetty servlet, the Tomcat valve and the WAR.
 * Read only while routing, on the container thread.
 *
 * <p>The client is {@code getRemoteAddr()}: the container's own forwarded-header support (Tomcat's
 * {@code RemoteIpValve}, Jetty's {@code http-forwarded}) has already replaced it when configured. The servlet API has
 * no second address for the connecting peer; a wrapper that knows it (the Tomcat valve) passes it in.
 */
public final class ServletRequestView implements RequestView {

    private final HttpServletRequest request;
    private final String peerAddress;

    /** A view whose connecting peer is unknown (see {@link RequestView#peerAddress()}). */
    public ServletRequestView(HttpServletRequest request) {
        this(request, null);
    }

    /** @param peerAddress the connecting peer's IP as the container reports it, or null when unknown */
    public ServletRequestView(HttpServletRequest request, String peerAddress) {
        this.request = request;
        this.peerAddress = peerAddress;
    }

    @Override
    public String host() {
        final String host = request.getHeader("Host");
        return host == null || host.isEmpty() ? request.getServerName() : RequestView.hostWithoutPort(host);
    }

    /**
     * The Host header, else (HTTP/2 without one) the server name and port the container took from
     * {@code :authority}, the port left out when it is the scheme's default (the servlet API cannot tell whether
     * one was sent).
     */
    @Override
    public String authority() {
        final String host = request.getHeader("Host");
        if (host != null && !host.isEmpty()) {
            return host;
        }
        final int port = request.getServerPort();
        final boolean defaultPort = port <= 0 || port == ("https".equals(request.getScheme()) ? 443 : 80);
        return defaultPort ? request.getServerName() : request.getServerName() + ':' + port;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        final String uri = request.getRequestURI();
        return uri == null || uri.isEmpty() ? "/" : uri;
    }

    @Override
    public String query() {
        return request.getQueryString();
    }

    @Override
    public String scheme() {
        return request.getScheme();
    }

    @Override
    public String clientAddress() {
        // Containers differ on IPv6 literals; the router wants the bare address.
        return RequestView.bareAddress(request.getRemoteAddr());
    }

    @Override
    public String peerAddress() {
        return RequestView.bareAddress(peerAddress);
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        final Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        final String first = values.nextElement();
        if (!values.hasMoreElements()) {
            return List.of(first);
        }
        final List<String> all = new ArrayList<>();
        all.add(first);
        while (values.hasMoreElements()) {
            all.add(values.nextElement());
        }
        return all;
    }

    @Override
    public String protocol() {
        return request.getProtocol();
    }

    @Override
    public String cookie(String name) {
        final Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }
}
