package dev.fulcrum.servlet;

import dev.fulcrum.upstream.OriginRequestHeaders;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;

import java.io.IOException;
import java.util.Collections;

/**
 * What a servlet client side ({@link AsyncServletClient}, {@link BlockingServletClient}) does differently per
 * container: read the request's headers, acknowledge a body, close a connection. {@link #PORTABLE} does it through the
 * servlet API alone, for any container; a wrapper that knows its container (the Tomcat valve) does it natively.
 *
 * <p>Thread safety: stateless; the methods run on the thread that owns the request.
 */
public interface ServletContainer {

    /** Through the servlet API only. */
    ServletContainer PORTABLE = new ServletContainer() {
    };

    /**
     * Adds each client header {@code rules} copy to {@code headers}, in arrival order. The servlet API's way, a
     * header table search and an enumeration per name, is the portable one.
     */
    default void copyHeaders(HttpServletRequest request, OriginRequestHeaders rules, HttpFields.Mutable headers) {
        for (String name : Collections.list(request.getHeaderNames())) {
            if (rules.copies(name)) {
                for (String value : Collections.list(request.getHeaders(name))) {
                    if (value != null) {
                        headers.add(name, value);
                    }
                }
            }
        }
    }

    /**
     * Right before the body is first read. A container answers {@code Expect: 100-continue} when the body is read,
     * so nothing is needed here unless it sends its continue elsewhere.
     */
    default void beforeReading(HttpServletRequest request, HttpServletResponse response) throws IOException {
    }

    /**
     * Closes the client connection without completing the answer. {@code sendError(-1)} is how Jetty aborts a
     * servlet response; the servlet API has no portable way, so elsewhere the answer just ends where it is.
     */
    default void abort(HttpServletRequest request, HttpServletResponse response, Throwable failure) {
        try {
            response.sendError(-1);
        } catch (IOException | RuntimeException e) {
            // Not Jetty, or committed: nothing more the servlet API can do.
        }
    }
}
