package dev.fulcrum.upstream;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.UpstreamFailure;
import org.eclipse.jetty.http.HttpFields;

import java.nio.charset.StandardCharsets;

/**
 * An answer a wrapper writes itself instead of an origin's: a router's {@link RouteDecision.Respond} (530/1016, a
 * fixed response, a refused loop), the 52x answer of a failed forward, or the 404 for a host no load balancer
 * serves. Wrappers write the status, {@link #contentType()}, {@code Content-Length}, the decision's headers
 * ({@link ClientResponseHeaders#addDecisionHeaders}) and {@link #body()}, over anything set before.
 *
 * A gRPC call's answer ({@link GrpcAnswers}) also has {@link #headers()} of its own; a wrapper that forwards no gRPC
 * over HTTP/2 never gets one.
 *
 * @param decision whose response headers go with the answer (CF-Ray), or null for none
 * @param headers  further headers of the answer (gRPC's status), empty for most
 */
public record DirectAnswer(int status, String contentType, byte[] body, RouteDecision decision, HttpFields headers) {

    public DirectAnswer(int status, String contentType, byte[] body, RouteDecision decision) {
        this(status, contentType, body, decision, HttpFields.EMPTY);
    }

    private static final byte[] NOT_FOUND = "not found".getBytes(StandardCharsets.UTF_8);
    private static final int NOT_SENT = 502;

    /** The router's own answer. */
    public static DirectAnswer of(RouteDecision.Respond respond) {
        final String body = respond.body();
        return new DirectAnswer(respond.status(), respond.contentType(),
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), respond);
    }

    /** The 52x answer for a failed forward, echoing the decision's response headers (CF-Ray). */
    public static DirectAnswer failure(UpstreamFailure failure, RouteDecision decision) {
        return new DirectAnswer(failure.status(), UpstreamErrors.CONTENT_TYPE,
                UpstreamErrors.body(failure).getBytes(StandardCharsets.UTF_8), decision);
    }

    /**
     * The 502 for a forward that could not even be sent (the upstream client refused to build the request, or the
     * client connection could not be switched to a tunnel): Fulcrum's own failure, not the origin's, in the same form.
     */
    public static DirectAnswer notSent(RouteDecision decision) {
        return new DirectAnswer(NOT_SENT, UpstreamErrors.CONTENT_TYPE,
                ("error code: " + NOT_SENT).getBytes(StandardCharsets.UTF_8), decision);
    }

    /** The answer for a request whose host no load balancer serves, where nothing else will answer it. */
    public static DirectAnswer notFound() {
        return new DirectAnswer(404, UpstreamErrors.CONTENT_TYPE, NOT_FOUND.clone(), null);
    }
}
