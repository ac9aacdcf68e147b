package dev.fulcrum.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete answer of one of the API listener's non-API endpoints (the Prometheus scrape, the dashboard), independent
 * of any container: status, content type, extra headers and body. {@code Cache-Control: no-store} is added unless
 * {@code headers} says otherwise. Written to a servlet response by {@code servlet.ServletAnswers}.
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
}
