package dev.fulcrum.jetty;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.ClientResponseHeaders;
import dev.fulcrum.upstream.DirectAnswer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Common's answer rules ({@link ClientResponseHeaders}, {@link DirectAnswer}) applied to a Jetty core response, for
 * {@link FulcrumProxyHandler}. Thread safety: stateless.
 */
final class CoreResponses {

    private CoreResponses() {
    }

    /** Sets the origin's status and passes its headers on, then the decision's. */
    static void copyHead(org.eclipse.jetty.client.Response upstream, RouteDecision decision, Response response) {
        response.setStatus(upstream.getStatus());
        ClientResponseHeaders.copy(upstream.getHeaders(), decision, new Headers(response.getHeaders()));
    }

    /** Writes a whole answer as the response, over anything set before; completes {@code callback} when written. */
    static void write(Response response, Callback callback, DirectAnswer answer) {
        response.reset();
        response.setStatus(answer.status());
        final HttpFields.Mutable headers = response.getHeaders();
        if (answer.decision() != null) {
            ClientResponseHeaders.addDecisionHeaders(answer.decision(), new Headers(headers));
        }
        if (answer.contentType() != null) {
            headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
        }
        headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    /**
     * A core response's headers as the target of common's rules. The origin's fields are passed on as they are (no
     * copy, no re-parse of the name); the first of each name replaces the Date and Server fields Jetty put there.
     */
    private record Headers(HttpFields.Mutable headers) implements ClientResponseHeaders.Target {

        @Override
        public void origin(HttpField field, boolean first) {
            if (first) {
                headers.put(field);
            } else {
                headers.add(field);
            }
        }

        @Override
        public void set(String name, String value) {
            headers.put(name, value);
        }

        @Override
        public void add(String name, String value) {
            headers.add(name, value);
        }
    }
}
