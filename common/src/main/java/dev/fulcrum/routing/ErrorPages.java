package dev.fulcrum.routing;


import java.util.List;
import java.util.Map;

/** The router's own answers: Cloudflare-style error pages, each carrying the request's CF-Ray. */
final class ErrorPages {

    static final String HTML = "text/html; charset=UTF-8";
    static final String TEXT = "text/plain; charset=UTF-8";

    /** HTTP 530 with error 1016 (spec §2.3, §4.5): neither a usable pool nor a usable fallback. */
    static final int NO_ORIGIN_STATUS = 530;

    /**
     * [G] HTTP 508 Loop Detected (RFC 5842) when the request already passed through us (our CDN-Loop marker):
     * forwarding it again would only repeat the loop until some limit breaks it.
     */
    static final int LOOP_STATUS = 508;

    private ErrorPages() {
    }

    static RouteDecision.Respond noOrigin(String host, String rayId) {
        final String body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
                + "<title>Origin DNS error | " + escape(host) + " | Fulcrum</title></head>\n<body>\n"
                + "<h1>Error 1016</h1>\n<h2>Origin DNS error</h2>\n"
                + "<p>The load balancer for " + escape(host) + " has no usable origin: every pool is unhealthy or "
                + "disabled, and so is its fallback pool.</p>\n"
                + "<p>Ray ID: " + rayId + "</p>\n</body>\n</html>\n";
        return new RouteDecision.Respond(NO_ORIGIN_STATUS, HTML, body, rayHeader(rayId));
    }

    static RouteDecision.Respond loop(String rayId) {
        final String body = "Error 508: Loop Detected\nThis request already passed through this load balancer ("
                + ForwardHeaders.CDN_LOOP + ": " + ForwardHeaders.CDN_LOOP_MARKER + ") and was not forwarded again."
                + "\nRay ID: " + rayId + "\n";
        return new RouteDecision.Respond(LOOP_STATUS, TEXT, body, rayHeader(rayId));
    }

    static List<Map.Entry<String, String>> rayHeader(String rayId) {
        return ForwardHeaders.responseHeaders(rayId);
    }

    private static String escape(String text) {
        if (text == null) {
            return "";
        }
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
