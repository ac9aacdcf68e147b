package dev.fulcrum.upstream;

/**
 * How a client request body travels to the origin, which decides whether the request can be sent twice
 * (spec §8.3 [G] idempotency: retry only when the body can be replayed exactly).
 */
public enum RequestBody {
    /** No body: always replayable. */
    NONE,
    /** A Content-Length body within the replay limit, read fully before sending: replayable. */
    BUFFERED,
    /** Chunked, unknown or larger than the limit: streamed through once, never replayed. */
    STREAMED;

    /**
     * Classifies a request from its framing.
     *
     * @param protocol          e.g. {@code HTTP/1.1}; an HTTP/1 message with neither Content-Length nor
     *                          Transfer-Encoding has no body, an HTTP/2+ one may still have one
     * @param contentLength     the declared length, or -1 when absent
     * @param transferEncoding  whether a Transfer-Encoding header is present
     * @param replayLimit       the largest body that is buffered
     */
    public static RequestBody classify(String method, String protocol, long contentLength, boolean transferEncoding,
                                       int replayLimit) {
        if (transferEncoding) {
            return STREAMED;
        }
        if (contentLength == 0) {
            return NONE;
        }
        if (contentLength > 0) {
            return contentLength <= replayLimit ? BUFFERED : STREAMED;
        }
        final boolean http1 = protocol == null || protocol.startsWith("HTTP/1") || protocol.startsWith("HTTP/0");
        if (http1 || "GET".equals(method) || "HEAD".equals(method)) {
            return NONE;
        }
        return STREAMED;
    }

    public boolean replayable() {
        return this != STREAMED;
    }
}
