package dev.fulcrum.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One API call, independent of any servlet container.
 *
 * @param method  the HTTP method, upper case
 * @param path    the raw (undecoded) request path including {@code /client/v4}, without the query string
 * @param query   decoded query parameters in arrival order
 * @param headers request headers; lookups by name are case-insensitive
 * @param body    the body bytes, empty when there is none; a body longer than {@link ApiRouter#MAX_BODY_BYTES}
 *                may be cut to {@code MAX_BODY_BYTES + 1} bytes by the caller, which is enough to refuse it
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query,
                         Map<String, List<String>> headers, byte[] body) {

    public ApiRequest {
        final Map<String, List<String>> q = new LinkedHashMap<>();
        query.forEach((k, v) -> q.put(k, List.copyOf(v)));
        query = Collections.unmodifiableMap(q);
        final Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> h.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        h.replaceAll((k, v) -> List.copyOf(v));
        headers = Collections.unmodifiableMap(h);
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        final List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** All values of a header (empty when absent). */
    public List<String> headers(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        final List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * Decodes a raw query string ({@code a=1&b=%20x}) as UTF-8. Never fails: a broken percent escape is kept as
     * literal text, so a hostile query string cannot turn into a server error.
     */
    public static Map<String, List<String>> parseQuery(String rawQuery) {
        final Map<String, List<String>> result = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            final int eq = pair.indexOf('=');
            final String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            final String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return result;
    }

    private static String decode(String s) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            final int c = s.codePointAt(i);
            if (c == '+') {
                out.write(' ');
                i++;
            } else if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 3;
            } else {
                final byte[] bytes = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
