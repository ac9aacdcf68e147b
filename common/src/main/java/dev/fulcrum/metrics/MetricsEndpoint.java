package dev.fulcrum.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fulcrum.api.ApiError;
import dev.fulcrum.api.ApiRequest;
import dev.fulcrum.api.ApiResponse;
import dev.fulcrum.api.BearerAuth;
import dev.fulcrum.api.Envelope;
import dev.fulcrum.api.HttpAnswer;
import dev.fulcrum.config.json.ConfigJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Prometheus scrape endpoint, independent of any servlet container: {@code GET /metrics} on the API listener
 * answers the registry in Prometheus' text exposition format (version 0.0.4).
 *
 * <p>Credentials: the same {@code Authorization: Bearer <token>} as the REST API, refused the same way (403 with
 * Cloudflare's JSON envelope, code 10000; 400 for a malformed header), unless the endpoint was opened with the
 * {@code --metrics-public} setting ({@code auth} null). Only GET and HEAD are allowed (405 otherwise).
 *
 * <p>Thread safety: safe for concurrent scrapes.
 */
public final class MetricsEndpoint {

    /** Where the endpoint is served on the API listener. */
    public static final String PATH = "/metrics";
    /** Prometheus' text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Scrape scrape;
    private final BearerAuth auth;
    /**
     * The last scrape's size: the next one's buffer starts there, as a large configuration's scrape (14.5 MB at
     * 10,000 pools) grew a small buffer through ten copies.
     */
    private volatile int lastSize = 16 * 1024;

    /** Writes one scrape in {@link #CONTENT_TYPE}. */
    @FunctionalInterface
    public interface Scrape {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * @param scrape writes the registry's exposition ({@code FulcrumMetrics} gives its own)
     * @param auth   the API's credential check, or null for a public endpoint
     */
    public MetricsEndpoint(Scrape scrape, BearerAuth auth) {
        this.scrape = Objects.requireNonNull(scrape, "scrape");
        this.auth = auth;
    }

    /** True when anyone may scrape without a token. */
    public boolean isPublic() {
        return auth == null;
    }

    /**
     * Answers one scrape.
     *
     * @param method        the HTTP method
     * @param authorization every {@code Authorization} header value sent (empty when none)
     */
    public HttpAnswer handle(String method, List<String> authorization) {
        try {
            // Credentials first, as the REST API does: nothing is revealed to a caller without them.
            if (auth != null) {
                auth.check(new ApiRequest(method, PATH, Map.of(), Map.of("Authorization", authorization), null));
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                throw ApiError.methodNotAllowed("GET, HEAD");
            }
        } catch (ApiError e) {
            return new HttpAnswer(e.status(), ApiResponse.CONTENT_TYPE, e.headers(), envelope(e));
        }
        final byte[] body = "HEAD".equals(method) ? new byte[0] : scrape();
        return new HttpAnswer(200, CONTENT_TYPE, Map.of(), body);
    }

    private byte[] scrape() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(lastSize + lastSize / 16);
        try {
            scrape.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        lastSize = out.size();
        return out.toByteArray();
    }

    private static byte[] envelope(ApiError error) {
        try {
            return ConfigJson.mapper().writeValueAsBytes(Envelope.failure(error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an envelope is always serialisable", e);
        }
    }
}
