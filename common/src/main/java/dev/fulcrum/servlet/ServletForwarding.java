package dev.fulcrum.servlet;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.upstream.ClientResponseHeaders;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.OriginRequestHeaders;
import dev.fulcrum.upstream.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;

import java.io.IOException;
import java.util.Collections;

/**
 * Common's header and answer rules (spec §8.1) applied to servlet requests and responses, for every servlet-based
 * wrapper: what is copied toward the origin ({@link OriginRequestHeaders}), what comes back to the client
 * ({@link ClientResponseHeaders}), and how {@link DirectAnswer}s (direct answers, 52x failures) are written. The
 * decisions themselves (which headers, which values) come from the router.
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
     * Copies the client's headers to the origin request by common's rules ({@link OriginRequestHeaders}): minus
     * hop-by-hop ones (and those its Connection header lists), minus the decision's removals, then the decision's
     * headers (replacing client values) and Host.
     */
    public static void copyRequestHeaders(HttpServletRequest request, RouteDecision.Forward forward,
                                          Request proxyRequest) {
        final OriginRequestHeaders rules =
                OriginRequestHeaders.of(forward, Collections.list(request.getHeaders("Connection")));
        proxyRequest.headers(headers -> {
            for (String name : Collections.list(request.getHeaderNames())) {
                if (!rules.copies(name)) {
                    continue;
                }
                for (String value : Collections.list(request.getHeaders(name))) {
                    if (value != null) {
                        headers.add(name, value);
                    }
                }
            }
            rules.addDecisionHeaders(headers);
        });
    }

    /**
     * Copies the origin's response headers to the client by common's rules ({@link ClientResponseHeaders}). The
     * first value of each origin header replaces anything the container set by default (Date, Server).
     */
    public static void copyResponseHeaders(Response upstream, RouteDecision decision, HttpServletResponse response) {
        ClientResponseHeaders.copy(upstream.getHeaders(), decision, new Headers(response));
    }

    /** Writes a direct answer (530/1016, fixed response, refused loop). */
    public static void writeRespond(HttpServletResponse response, RouteDecision.Respond respond) throws IOException {
        write(response, DirectAnswer.of(respond));
    }

    /** Writes the 52x answer for a failed forward, echoing the decision's response headers (CF-Ray). */
    public static void writeFailure(HttpServletResponse response, UpstreamFailure failure, RouteDecision decision)
            throws IOException {
        write(response, DirectAnswer.failure(failure, decision));
    }

    /** Writes the answer for a request whose host no load balancer serves, where nothing else will answer it. */
    public static void writeNotFound(HttpServletResponse response) throws IOException {
        write(response, DirectAnswer.notFound());
    }

    /**
     * Resets the response and sets the 52x failure answer's status and headers; returns the body, still to be
     * written. For a wrapper whose response is in non-blocking mode, where the body may only be written when the
     * stream says it is ready.
     */
    public static byte[] prepareFailure(HttpServletResponse response, UpstreamFailure failure, RouteDecision decision) {
        return prepare(response, DirectAnswer.failure(failure, decision));
    }

    private static void write(HttpServletResponse response, DirectAnswer answer) throws IOException {
        response.getOutputStream().write(prepare(response, answer));
    }

    private static byte[] prepare(HttpServletResponse response, DirectAnswer answer) {
        response.reset();
        response.setStatus(answer.status());
        if (answer.decision() != null) {
            ClientResponseHeaders.addDecisionHeaders(answer.decision(), new Headers(response));
        }
        if (answer.contentType() != null) {
            response.setContentType(answer.contentType());
        }
        response.setContentLength(answer.body().length);
        return answer.body();
    }

    /** A servlet response as the target of common's response header rules. */
    private record Headers(HttpServletResponse response) implements ClientResponseHeaders.Target {

        @Override
        public void origin(HttpField field, boolean first) {
            if (first) {
                response.setHeader(field.getName(), field.getValue());
            } else {
                response.addHeader(field.getName(), field.getValue());
            }
        }

        @Override
        public void set(String name, String value) {
            response.setHeader(name, value);
        }

        @Override
        public void add(String name, String value) {
            response.addHeader(name, value);
        }
    }
}
