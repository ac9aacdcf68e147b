package dev.fulcrum.standalone;

import javax.net.ssl.SSLSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A whole HTTP/1.1 response read from a socket with {@code Connection: close}, as an {@link HttpResponse}. */
record RawResponse(int statusCode, HttpHeaders headers, String body) implements HttpResponse<String> {

    static RawResponse parse(String raw) {
        final int end = raw.indexOf("\r\n\r\n");
        final String[] head = raw.substring(0, end < 0 ? raw.length() : end).split("\r\n");
        final int status = Integer.parseInt(head[0].split(" ")[1]);
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < head.length; i++) {
            final int colon = head[i].indexOf(':');
            headers.computeIfAbsent(head[i].substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(head[i].substring(colon + 1).trim());
        }
        String body = end < 0 ? "" : raw.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", List.of("")).get(0))) {
            body = dechunk(body);
        }
        return new RawResponse(status, HttpHeaders.of(headers, (a, b) -> true), body);
    }

    private static String dechunk(String chunked) {
        final StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            final int lineEnd = chunked.indexOf("\r\n", at);
            final int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    @Override
    public HttpRequest request() {
        return null;
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        return null;
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}
