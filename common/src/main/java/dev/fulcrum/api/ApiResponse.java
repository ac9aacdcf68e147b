package dev.fulcrum.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The answer to an {@link ApiRequest}: a status, extra headers and a JSON envelope body (UTF-8).
 * {@code Content-Type} is always {@link #CONTENT_TYPE} and is not repeated in {@code headers}.
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

    public static final String CONTENT_TYPE = "application/json; charset=utf-8";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
