package dev.fulcrum.servlet;

import dev.fulcrum.metrics.MetricsEndpoint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Collections;

/**
 * Serves the Prometheus scrape endpoint ({@link MetricsEndpoint}) from any Jakarta Servlet 6 container; map it at
 * {@value MetricsEndpoint#PATH} on the API listener. It holds no logic of its own.
 *
 * <p>The endpoint comes from the constructor or, for containers that create the servlet (web.xml), from the servlet
 * context attribute {@link #ENDPOINT_ATTRIBUTE}, looked up on first use.
 */
public final class MetricsServlet extends HttpServlet {

    /** Servlet context attribute holding the {@link MetricsEndpoint} when the no-argument constructor is used. */
    public static final String ENDPOINT_ATTRIBUTE = MetricsEndpoint.class.getName();

    private static final long serialVersionUID = 1L;

    private transient volatile MetricsEndpoint endpoint;

    /** For containers that create the servlet: the endpoint is found in the context attribute. */
    public MetricsServlet() {
    }

    public MetricsServlet(MetricsEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        ServletAnswers.write(endpoint().handle(req.getMethod(), Collections.list(req.getHeaders("Authorization"))),
                resp);
    }

    private MetricsEndpoint endpoint() throws ServletException {
        MetricsEndpoint e = endpoint;
        if (e == null) {
            if (!(getServletContext().getAttribute(ENDPOINT_ATTRIBUTE) instanceof MetricsEndpoint found)) {
                throw new ServletException("MetricsServlet: no MetricsEndpoint in servlet context attribute "
                        + ENDPOINT_ATTRIBUTE);
            }
            e = found;
            endpoint = e;
        }
        return e;
    }
}
