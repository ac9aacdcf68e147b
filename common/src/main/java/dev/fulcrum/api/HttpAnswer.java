package dev.fulcrum.api;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete answer of one of the API listener's non-API endpoints (the Prometheus scrape, the dashboard), independent
 * of any container: status, content type, extra headers and body. {@code Cache-Control: no-store} is added unless
 * {@code headers} says otherwise. Written to the JDK's server by {@link #writeTo}, to a servlet response by
 * {@code servlet.ServletAnswers}.
 */
public record HttpAnswer(int status, String contentType, Map<String, String> headers, byte[] body) {

    public HttpAnswer {
        headers = Map.copyOf(headers);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The headers to send: {@link #headers()} plus {@code Cache-Control: no-store} when it sets none. */
    public Map<String, String> allHeaders() {
        if (headers.keySet().stream().anyMatch("Cache-Control"::equalsIgnoreCase)) {
            return headers;
        }
        final java.util.Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Cache-Control", "no-store");
        return all;
    }

    /** Writes this answer to the JDK's built-in server; a HEAD request gets the headers only. */
    public void writeTo(HttpExchange exchange) throws IOException {
        allHeaders().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        // -1: no body at all.
        exchange.sendResponseHeaders(status, body.length == 0 || head ? -1 : body.length);
        if (body.length > 0 && !head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
