package dev.fulcrum.servlet;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.upstream.ProxyHeaders;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.UpstreamErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The header and answer rules every servlet-based wrapper applies (spec §8.1): what is copied toward the origin,
 * what comes back to the client, and how direct answers and 52x failures are written. The decisions themselves
 * (which headers, which values) come from the router.
 *
 * <p>Thread safety: stateless.
 */
public final class ServletForwarding {

    private ServletForwarding() {
    }

    /** How this request's body travels, given the replay limit. */
    public static RequestBody requestBody(HttpServletRequest request, int replayLimit) {
        return RequestBody.classify(request.getMethod(), request.getProtocol(), request.getContentLengthLong(),
                request.getHeader("Transfer-Encoding") != null, replayLimit);
    }

    /**
     * Copies the client's headers to the origin request minus hop-by-hop ones (and those its Connection header
     * lists), minus the decision's removals, then sets the decision's headers (replacing client values) and Host.
     */
    public static void copyRequestHeaders(HttpServletRequest request, RouteDecision.Forward forward,
                                          Request proxyRequest) {
        final Set<String> connectionTokens =
                ProxyHeaders.connectionTokens(Collections.list(request.getHeaders("Connection")));
        final Set<String> dropped = new HashSet<>();
        for (String name : forward.removeRequestHeaders()) {
            dropped.add(name.toLowerCase(Locale.ROOT));
        }
        for (Map.Entry<String, String> header : forward.requestHeaders()) {
            dropped.add(header.getKey().toLowerCase(Locale.ROOT));
        }
        proxyRequest.headers(headers -> {
            for (String name : Collections.list(request.getHeaderNames())) {
                if (!ProxyHeaders.forwardsRequestHeader(name, connectionTokens)
                    || dropped.contains(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                for (String value : Collections.list(request.getHeaders(name))) {
                    if (value != null) {
                        headers.add(name, value);
                    }
                }
            }
            for (Map.Entry<String, String> header : forward.requestHeaders()) {
                headers.add(header.getKey(), header.getValue());
            }
            headers.put(HttpHeader.HOST, forward.hostHeader());
        });
    }

    /**
     * Copies the origin's response headers to the client minus hop-by-hop and X-Accel-* ones, then the decision's
     * response headers (CF-Ray replaces any origin value; Set-Cookie is added). The first value of each origin
     * header replaces anything the container set by default (Date, Server).
     */
    public static void copyResponseHeaders(Response upstream, RouteDecision decision, HttpServletResponse response) {
        final Set<String> connectionTokens =
                ProxyHeaders.connectionTokens(upstream.getHeaders().getValuesList(HttpHeader.CONNECTION));
        final Set<String> seen = new HashSet<>();
        for (HttpField field : upstream.getHeaders()) {
            final String name = field.getName();
            if (!ProxyHeaders.forwardsResponseHeader(name, connectionTokens)) {
                continue;
            }
            if (seen.add(name.toLowerCase(Locale.ROOT))) {
                response.setHeader(name, field.getValue());
            } else {
                response.addHeader(name, field.getValue());
            }
        }
        addDecisionHeaders(decision, response);
    }

    /** Writes a direct answer (530/1016, fixed response, refused loop). */
    public static void writeRespond(HttpServletResponse response, RouteDecision.Respond respond) throws IOException {
        write(response, respond.status(), respond.contentType(), respond.body(), respond);
    }

    /** Writes the 52x answer for a failed forward, echoing the decision's response headers (CF-Ray). */
    public static void writeFailure(HttpServletResponse response, UpstreamFailure failure, RouteDecision decision)
            throws IOException {
        write(response, failure.status(), UpstreamErrors.CONTENT_TYPE, UpstreamErrors.body(failure), decision);
    }

    /** Writes the answer for a request whose host no load balancer serves, where nothing else will answer it. */
    public static void writeNotFound(HttpServletResponse response) throws IOException {
        write(response, HttpServletResponse.SC_NOT_FOUND, UpstreamErrors.CONTENT_TYPE, "not found", null);
    }

    private static void write(HttpServletResponse response, int status, String contentType, String body,
                              RouteDecision decision) throws IOException {
        response.reset();
        response.setStatus(status);
        if (decision != null) {
            addDecisionHeaders(decision, response);
        }
        final byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            response.setContentType(contentType);
        }
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static void addDecisionHeaders(RouteDecision decision, HttpServletResponse response) {
        for (Map.Entry<String, String> header : decision.responseHeaders()) {
            if ("set-cookie".equalsIgnoreCase(header.getKey())) {
                response.addHeader(header.getKey(), header.getValue());
            } else {
                response.setHeader(header.getKey(), header.getValue());
            }
        }
    }
}
