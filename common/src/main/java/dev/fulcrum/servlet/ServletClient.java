package dev.fulcrum.servlet;

import dev.fulcrum.forwarding.ClientSide;
import dev.fulcrum.forwarding.Forwarding;
import dev.fulcrum.forwarding.ResponseHead;
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

    /** A streamed body: Jetty's {@link AsyncRequestContent}, filled by {@link #stream} as the origin side takes it. */
    @Override
    public Content.Source body() {
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

    @Override
    public void head(ResponseHead head) {
        response.setStatus(head.status());
        head.headers(new ServletForwarding.Headers(response));
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
