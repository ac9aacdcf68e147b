package dev.fulcrum.routing;

import dev.fulcrum.config.FixedResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rule's {@code fixed_response} (spec §6) ready to send: status, Content-Type, Location and body as configured,
 * plus the request's CF-Ray. [G] Without a {@code content_type} no Content-Type is sent, and without a
 * {@code message_body} the body is empty.
 */
final class FixedAnswer {

    private final int status;
    private final String contentType;
    private final String location;
    private final String body;

    FixedAnswer(FixedResponse response) {
        this.status = response.statusCode();
        this.contentType = response.contentType();
        this.location = response.location();
        this.body = response.messageBody() == null ? "" : response.messageBody();
    }

    RouteDecision.Respond respond(String rayId) {
        final List<Map.Entry<String, String>> ray = ErrorPages.rayHeader(rayId);
        final List<Map.Entry<String, String>> headers;
        if (location == null) {
            headers = ray;
        } else {
            headers = new ArrayList<>(ray.size() + 1);
            headers.addAll(ray);
            headers.add(Map.entry("Location", location));
        }
        return new RouteDecision.Respond(status, contentType, body, headers);
    }
}
