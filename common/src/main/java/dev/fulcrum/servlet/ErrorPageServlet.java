package dev.fulcrum.servlet;

import dev.fulcrum.api.ApiResponse;
import dev.fulcrum.api.ApiRouter;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The Fulcrum WAR's error page (web.xml {@code <error-page>}): an error the container raises inside the web
 * application (an ambiguous or malformed path its servlet layer refuses, a servlet's failure) is answered in the
 * API's envelope when the request was under {@code /client/v4} ({@link ApiRouter#refused}), and with a one-line
 * text page anywhere else. What the container refuses before any web application sees the request stays the
 * container's own page (README, WAR).
 *
 * <p>It is mapped at an exact path ({@code /.fulcrum/error}), which {@code LoadBalancerHostFilter} also covers, so a
 * load balancer's request for that path is still proxied.
 */
public final class ErrorPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        final Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Asked for directly rather than through an error dispatch: a path like any other that is not the API's.
        final int status = code instanceof Integer value ? value : HttpServletResponse.SC_NOT_FOUND;
        final Object message = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        final Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        final String path = uri == null ? null : uri.toString().substring(Math.min(req.getContextPath().length(),
                uri.toString().length()));
        final byte[] body;
        resp.setHeader("Cache-Control", "no-store");
        if (path != null && (path.equals(ApiRouter.PREFIX) || path.startsWith(ApiRouter.PREFIX + '/'))) {
            final ApiResponse answer = ApiRouter.refused(status, message == null ? null : message.toString(), path);
            resp.setStatus(answer.status());
            answer.headers().forEach(resp::setHeader);
            resp.setContentType(ApiResponse.CONTENT_TYPE);
            body = answer.body();
        } else {
            resp.setStatus(status);
            resp.setContentType("text/plain; charset=utf-8");
            body = ("Error " + status + "\n").getBytes(StandardCharsets.UTF_8);
        }
        resp.setContentLength(body.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(body);
        }
    }
}
