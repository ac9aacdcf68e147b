package dev.fulcrum.war;

import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.servlet.ServletRequestView;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * In the Fulcrum WAR, keeps the REST API's path from shadowing a load balancer: a request under
 * {@code /client/v4/} (or to {@code /metrics}, or under {@code /dashboard}) whose Host is a load balancer's is proxied
 * like any other request to that host, and only other hosts reach the API. Map it on those paths, in front of the
 * API, metrics and dashboard servlets.
 *
 * <p>Init parameter {@code proxy-servlet}: the name of the proxy servlet to hand such requests to (default
 * {@value #DEFAULT_PROXY_SERVLET}). The router comes from {@link FulcrumContextListener#ROUTER_ATTRIBUTE}.
 */
public final class LoadBalancerHostFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_PROXY_SERVLET = "fulcrum-proxy";

    private transient SnapshotRouter router;
    private String proxyServlet;

    @Override
    public void init() throws ServletException {
        final Object value = getServletContext().getAttribute(FulcrumContextListener.ROUTER_ATTRIBUTE);
        if (!(value instanceof SnapshotRouter)) {
            throw new ServletException("LoadBalancerHostFilter: servlet-context attribute "
                    + FulcrumContextListener.ROUTER_ATTRIBUTE + " is " + (value == null ? "missing" : value.getClass())
                    + " (expected: the router published by FulcrumContextListener)");
        }
        router = (SnapshotRouter) value;
        final String name = getInitParameter("proxy-servlet");
        proxyServlet = name == null || name.isBlank() ? DEFAULT_PROXY_SERVLET : name.strip();
        if (getServletContext().getNamedDispatcher(proxyServlet) == null) {
            throw new ServletException("LoadBalancerHostFilter: proxy-servlet: no servlet named '" + proxyServlet
                    + "' in this web application");
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (router.serves(new ServletRequestView(request).host())) {
            final RequestDispatcher proxy = getServletContext().getNamedDispatcher(proxyServlet);
            proxy.forward(request, response);
        } else {
            chain.doFilter(request, response);
        }
    }
}
