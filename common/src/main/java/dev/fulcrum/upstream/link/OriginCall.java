package dev.fulcrum.upstream.link;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;

/**
 * One HTTP/1.1 exchange as an {@link OriginLinks} link sends it: what to send, and where the answer goes. The
 * answer's callbacks come one after another, never concurrently, and exactly one of {@link #complete} and
 * {@link #failed} ends it. It is the forwarding loop's {@code OriginSide.Attempt} as the links see it: they sit
 * below the loop and cannot name it.
 */
public interface OriginCall {

    String method();

    /** The path as received, still encoded; null or empty means {@code /}. */
    String rawPath();

    /** The query as received, or null. */
    String rawQuery();

    /** Adds the request headers, Host included. */
    void requestHeaders(HttpFields.Mutable headers);

    /** The whole body, or null. */
    byte[] bufferedBody();

    /** A body sent as it arrives (read with demand), or null; its length, or -1 (then chunked). */
    Content.Source streamedBody();

    /** The client's body failed while it was being sent: the failure is the client's. */
    void bodyFailed();

    /** The origin's status and headers. */
    void head(int status, HttpFields headers);

    /** A chunk of the body; {@code demand} asks for the next. Released when this returns unless retained. */
    void content(Content.Chunk chunk, Runnable demand);

    /** The answer is complete; {@code trailers} are its trailers, or null. */
    void complete(HttpFields trailers);

    /**
     * The exchange failed.
     *
     * @param status the origin's status if its answer had begun, else 0
     */
    void failed(Throwable cause, int status);
}
