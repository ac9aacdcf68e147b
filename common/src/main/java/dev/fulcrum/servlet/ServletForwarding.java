package dev.fulcrum.servlet;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.ClientResponseHeaders;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.GrpcAnswers;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Common's answers written to a servlet response, for every servlet-based wrapper: the {@link DirectAnswer}s of a
 * router decision (530/1016, fixed responses, the 404 of an unknown host) and of the forwarding loop (52x), and the
 * response as the target of common's header rules ({@link ClientResponseHeaders}).
 *
 * <p>Thread safety: stateless.
 */
public final class ServletForwarding {

    private ServletForwarding() {
    }

    /** Writes a direct answer (530/1016, fixed response, refused loop). */
    public static void writeRespond(HttpServletResponse response, RouteDecision.Respond respond) throws IOException {
        write(response, DirectAnswer.of(respond));
    }

    /** Writes the answer for a request whose host no load balancer serves, where nothing else will answer it. */
    public static void writeNotFound(HttpServletResponse response) throws IOException {
        write(response, DirectAnswer.notFound());
    }

    private static void write(HttpServletResponse response, DirectAnswer answer) throws IOException {
        response.getOutputStream().write(prepare(response, answer, true));
    }

    /**
     * Resets the response and sets the answer's status and headers; returns the body, still to be written (a
     * non-blocking stream takes it only when it says it is ready).
     *
     * @param withHeaders whether the answer's own {@link DirectAnswer#headers()} go in the head (else the caller
     *                    sends them as trailers)
     * @throws IllegalStateException if the response is committed
     */
    static byte[] prepare(HttpServletResponse response, DirectAnswer answer, boolean withHeaders) {
        response.reset();
        response.setStatus(answer.status());
        if (answer.decision() != null) {
            ClientResponseHeaders.addDecisionHeaders(answer.decision(), new Headers(response));
        }
        if (answer.contentType() != null) {
            response.setContentType(answer.contentType());
        }
        if (withHeaders) {
            for (HttpField field : answer.headers()) {
                response.setHeader(field.getName(), field.getValue());
            }
        }
        response.setContentLength(answer.body().length);
        return answer.body();
    }

    /**
     * Trailers as the servlet API takes them: one value per name, several joined by commas (RFC 9110 §5.3); empty
     * for none.
     */
    static Map<String, String> trailerMap(HttpFields trailers) {
        if (trailers == null || trailers.size() == 0) {
            return Map.of();
        }
        final Map<String, String> map = new LinkedHashMap<>();
        for (HttpField field : trailers) {
            map.merge(field.getLowerCaseName(), field.getValue(), (first, next) -> first + ", " + next);
        }
        return map;
    }

    /**
     * A servlet response as the target of common's response header rules.
     *
     * @param status where a gRPC call's status fields go instead of the response (see
     *               {@link ServletClient#head}), or null: they pass like any other
     */
    record Headers(HttpServletResponse response, HttpFields.Mutable status) implements ClientResponseHeaders.Target {

        Headers(HttpServletResponse response) {
            this(response, null);
        }

        @Override
        public void origin(HttpField field, boolean first) {
            if (status != null && GrpcAnswers.isStatusField(field.getName())) {
                status.add(field);
            } else if (first) {
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
