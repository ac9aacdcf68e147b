package dev.fulcrum.servlet;

import dev.fulcrum.api.ApiRequest;
import dev.fulcrum.api.ApiResponse;
import dev.fulcrum.api.ApiRouter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the REST API from any Jakarta Servlet 6 container: copies the request into an {@link ApiRequest}, hands it
 * to {@link ApiRouter} and writes the {@link ApiResponse} back. It holds no API logic of its own.
 *
 * <p>Map it at {@code /client/v4/*}. The router comes from the constructor or, for containers that instantiate the
 * servlet themselves (web.xml), from the servlet context attribute {@link #ROUTER_ATTRIBUTE}, looked up on first use.
 *
 * <p>The body is read up to {@link ApiRouter#MAX_BODY_BYTES} + 1 bytes: enough for the router to refuse an oversized
 * body with a 413 envelope without buffering it whole.
 */
public final class ApiServlet extends HttpServlet {

    /** Servlet context attribute holding the {@link ApiRouter} when the no-argument constructor is used. */
    public static final String ROUTER_ATTRIBUTE = ApiRouter.class.getName();

    private static final long serialVersionUID = 1L;

    private transient volatile ApiRouter router;

    /** For containers that create the servlet: the router is found in the context attribute. */
    public ApiServlet() {
    }

    public ApiServlet(ApiRouter router) {
        this.router = router;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        final ApiRouter api = router();
        final String path = req.getRequestURI().substring(req.getContextPath().length());
        final ApiRequest request = new ApiRequest(req.getMethod(), path,
                ApiRequest.parseQuery(req.getQueryString()), headers(req), body(req));
        final ApiResponse response = api.handle(request);
        resp.setStatus(response.status());
        response.headers().forEach(resp::setHeader);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType(ApiResponse.CONTENT_TYPE);
        resp.setContentLength(response.body().length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(response.body());
        }
    }

    private ApiRouter router() throws ServletException {
        ApiRouter api = router;
        if (api == null) {
            final Object attribute = getServletContext().getAttribute(ROUTER_ATTRIBUTE);
            if (!(attribute instanceof ApiRouter)) {
                throw new ServletException("ApiServlet: no ApiRouter in servlet context attribute " + ROUTER_ATTRIBUTE);
            }
            api = (ApiRouter) attribute;
            router = api;
        }
        return api;
    }

    private static Map<String, List<String>> headers(HttpServletRequest req) {
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).addAll(Collections.list(req.getHeaders(name)));
        }
        return headers;
    }

    private static byte[] body(HttpServletRequest req) throws IOException {
        final long declared = req.getContentLengthLong();
        final int limit = ApiRouter.MAX_BODY_BYTES + 1;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(
                declared > 0 ? (int) Math.min(declared, limit) : 256);
        try (InputStream in = req.getInputStream()) {
            final byte[] buffer = new byte[8192];
            int n;
            while (out.size() < limit && (n = in.read(buffer, 0, Math.min(buffer.length, limit - out.size()))) > 0) {
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }
}
