package dev.fulcrum.routing;


import java.util.ArrayList;
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

    static final int METHOD_NOT_ALLOWED_STATUS = 405;

    /**
     * The methods a load balancer forwards, for the {@code Allow} header of its 405 (RFC 9110 §15.5.6): any other
     * method is forwarded too, but these are the ones every origin is expected to know.
     */
    static final String ALLOWED = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH";

    private ErrorPages() {
    }

    /**
     * Whether the load balancer answers this method itself, 405, rather than forwarding it. {@code CONNECT} asks for
     * a tunnel to a host of the client's choosing, which a reverse proxy never opens (and whose authority-form target
     * no origin could read). {@code TRACE} (and IIS's {@code TRACK}) would echo the request as the origin received it,
     * with the headers Fulcrum adds and the client's cookies, to a script that sent it (cross-site tracing);
     * Cloudflare answers it at the edge too.
     */
    static boolean refusedMethod(String method) {
        return "CONNECT".equals(method) || "TRACE".equals(method) || "TRACK".equals(method);
    }

    static RouteDecision.Respond methodNotAllowed(String method, String rayId) {
        final String body = "Error 405: Method Not Allowed\nA load balancer does not forward " + method
                + " requests.\nRay ID: " + rayId + "\n";
        final List<Map.Entry<String, String>> headers = new ArrayList<>(rayHeader(rayId));
        headers.add(Map.entry("Allow", ALLOWED));
        return new RouteDecision.Respond(METHOD_NOT_ALLOWED_STATUS, TEXT, body, List.copyOf(headers));
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
