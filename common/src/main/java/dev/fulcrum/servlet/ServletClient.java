package dev.fulcrum.servlet;

import dev.fulcrum.forwarding.ClientSide;
import dev.fulcrum.forwarding.Forwarding;
import dev.fulcrum.forwarding.ResponseHead;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.GrpcAnswers;
import dev.fulcrum.upstream.OriginRequestHeaders;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What both servlet client sides share: the request as the origin gets it, and the answer's head.
 *
 * <p>Thread safety: one instance per request; see {@link ClientSide} for which thread calls what.
 */
abstract class ServletClient implements ClientSide {

    // Bodies carry the client's Content-Type header (or none); the content object must not invent one.
    private static final String NO_CONTENT_TYPE = null;
    /** How much of a streamed body is read at a time; the next read waits until the origin side took it. */
    static final int READ_BUFFER = 16 * 1024;

    final HttpServletRequest request;
    final HttpServletResponse response;
    final ServletContainer container;
    Forwarding forwarding;
    /** The origin's trailers, set by {@link #finish} before the container reads them, maybe on another thread. */
    private volatile Map<String, String> trailers = Map.of();
    /** The streamed body, once asked for. */
    private Content.Source streamed;
    /** A trailers-only answer's status fields, held back from its head for the trailers, or null. */
    private HttpFields headStatus;
    /** The trailer supplier is set. Touched only by the answer's calls, one at a time. */
    private boolean trailing;
    /** See {@link #arrayOf}; touched by one thread at a time, as each chunk is handed over with the next demand. */
    private byte[] scratch;

    ServletClient(HttpServletRequest request, HttpServletResponse response, ServletContainer container) {
        this.request = request;
        this.response = response;
        this.container = container;
    }

    @Override
    public void start(Forwarding forwarding) {
        this.forwarding = forwarding;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String rawPath() {
        return request.getRequestURI();
    }

    @Override
    public String rawQuery() {
        return request.getQueryString();
    }

    @Override
    public String protocol() {
        return request.getProtocol();
    }

    @Override
    public long contentLength() {
        return request.getContentLengthLong();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public List<String> headerValues(String name) {
        return Collections.list(request.getHeaders(name));
    }

    @Override
    public void copyHeaders(OriginRequestHeaders rules, HttpFields.Mutable headers) {
        container.copyHeaders(request, rules, headers);
    }

    /**
     * A streamed body: Jetty's {@link AsyncRequestContent}, filled by {@link #stream} as the origin side takes it.
     * The same one on every attempt: a failover may send it again while no attempt has read from it (a gRPC call's).
     */
    @Override
    public Content.Source body() {
        if (streamed == null) {
            streamed = streamBody();
        }
        return streamed;
    }

    private Content.Source streamBody() {
        final AsyncRequestContent streamed = new AsyncRequestContent(NO_CONTENT_TYPE);
        try {
            container.beforeReading(request, response);
            stream(request.getInputStream(), streamed);
        } catch (IOException | RuntimeException e) {
            streamed.fail(e);
        }
        return streamed;
    }

    /**
     * Starts moving the client's body into {@code streamed}, one buffer at a time; a failed read fails it (the
     * client's failure, not the origin's), and the end closes it.
     */
    abstract void stream(ServletInputStream in, AsyncRequestContent streamed);

    /**
     * Over HTTP/2, where gRPC calls come, the container asks for the trailers when it ends the answer: the servlet
     * API's {@code setTrailerFields}, which Tomcat and Jetty honour over HTTP/2 ({@link #trailing}).
     */
    @Override
    public boolean sendsTrailers() {
        return true;
    }

    /**
     * The head of the origin's answer. A gRPC call's trailers-only answer (its status in the head, no body) cannot
     * pass as it came: the servlet API has no way to end a stream with its head, and a container ends it with an
     * empty DATA frame (Tomcat does), which gRPC clients refuse. Its status fields go to the trailers instead, which
     * the protocol allows as well (a head, no message, trailers).
     */
    @Override
    public void head(ResponseHead head) {
        response.setStatus(head.status());
        if (overHttp2() && GrpcAnswers.isCall(request.getProtocol(), request.getHeader("Content-Type"))) {
            final HttpFields.Mutable status = HttpFields.build(2);
            head.headers(new ServletForwarding.Headers(response, status));
            headStatus = status.size() == 0 ? null : status;
        } else {
            head.headers(new ServletForwarding.Headers(response));
        }
        if (!response.containsHeader("Content-Length")) {
            streaming();
        }
    }

    /**
     * The answer has no declared length: a stream (gRPC messages, events, a chunked body) whose chunks are to reach
     * the client as they come, not when the container's buffer fills; each chunk is flushed.
     */
    abstract void streaming();

    /**
     * Before the answer commits: over HTTP/2, the container is to ask for the origin's trailers at the end
     * ({@link #keepTrailers}). Only for an answer that has a body or trailers: a container that knows of a trailer
     * supplier ends the stream with the trailers' frame, so an answer without either would get an empty one. HTTP/1.1
     * gets none: the container would chunk an answer whose length the origin gave.
     */
    void trailing() {
        if (!trailing && overHttp2()) {
            trailing = true;
            response.setTrailerFields(this::trailers);
        }
    }

    private boolean overHttp2() {
        final String protocol = request.getProtocol();
        return protocol != null && protocol.startsWith("HTTP/2");
    }

    /** Keeps the origin's trailers for the container, which asks for them once the last chunk is written. */
    void keepTrailers(HttpFields originTrailers) {
        final HttpFields end = originTrailers == null || originTrailers.size() == 0 ? headStatus : originTrailers;
        trailers = ServletForwarding.trailerMap(end);
        if (!trailers.isEmpty() && !response.isCommitted()) {
            trailing();
        }
    }

    private Map<String, String> trailers() {
        return trailers;
    }

    /**
     * Resets the response for {@code answer} and returns its body, still to be written. A gRPC answer's status
     * ({@link GrpcAnswers#unavailable}) goes in its trailers over HTTP/2, as in {@link #head}.
     *
     * @throws IllegalStateException if the response is committed
     */
    byte[] prepare(DirectAnswer answer) {
        final boolean statusInTrailers = answer.headers().size() > 0 && overHttp2();
        final byte[] body = ServletForwarding.prepare(response, answer, !statusInTrailers);
        if (statusInTrailers) {
            trailers = ServletForwarding.trailerMap(answer.headers());
            trailing = false; // the reset dropped any supplier set before
            trailing();
        }
        return body;
    }

    /** A buffered body that ended before its declared length. */
    static IOException shortBody(int read, int length) {
        return new IOException("client sent " + read + " of " + length + " body bytes");
    }

    /**
     * The array a chunk of the answer is written from: its own when it has one, else {@link #scratch}, a copy of the
     * chunk in an array this exchange reuses. The upstream client reads origins into pooled direct buffers and a
     * servlet stream takes arrays; a new array per chunk cost a 1 MiB answer 1 MiB of heap, the reused one costs
     * the largest chunk once. Sound because a stream is done with the array when its {@code write} returns (it
     * copies what it cannot send at once), and the next chunk is asked for only then.
     */
    final byte[] arrayOf(ByteBuffer bytes) {
        if (bytes.hasArray()) {
            return bytes.array();
        }
        final int length = bytes.remaining();
        if (scratch == null || scratch.length < length) {
            scratch = new byte[length];
        }
        bytes.duplicate().get(scratch, 0, length);
        return scratch;
    }

    /** Where {@link #arrayOf} put the chunk's first byte. */
    static int offsetOf(ByteBuffer bytes) {
        return bytes.hasArray() ? bytes.arrayOffset() + bytes.position() : 0;
    }

    /** Writes {@code bytes} to this exchange's stream, which takes arrays ({@link #arrayOf}). */
    final void writeChunk(ServletOutputStream out, ByteBuffer bytes) throws IOException {
        out.write(arrayOf(bytes), offsetOf(bytes), bytes.remaining());
        bytes.position(bytes.limit());
    }

    /** Writes {@code bytes} to a servlet stream, which takes arrays: a direct buffer is copied. */
    static void write(ServletOutputStream out, ByteBuffer bytes) throws IOException {
        if (bytes.hasArray()) {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } else {
            final byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            out.write(copy);
        }
        bytes.position(bytes.limit());
    }
}
