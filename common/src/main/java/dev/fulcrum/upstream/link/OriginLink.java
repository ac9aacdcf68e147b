package dev.fulcrum.upstream.link;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 connection to one origin that carries one exchange at a time: Jetty's {@link HttpGenerator} writes the
 * request, Jetty's {@link HttpParser} (client mode, with its framing and smuggling checks) reads the answer, and
 * each parsed part goes straight to the exchange's {@link OriginCall}, a body chunk as a slice of the network buffer
 * (no copy), the next one parsed only when the call demands it.
 *
 * <p><b>Threads.</b> The request is written on the sending thread; the answer is read on the link's selector and
 * parsing resumes on whichever thread demands the next chunk. The read side never runs on two threads at once:
 * read interest is registered only while no chunk awaits its demand ({@link #delivery}).
 *
 * <p><b>Timeouts without a timer per request.</b> The endpoint's idle timeout stays at the shorter of the read
 * timeout and the pooled idle limit, so nothing is rescheduled per exchange. When it fires during an exchange the
 * origin was silent that long: the exchange fails with a read timeout (524). When it fires on a pooled link idle
 * for less than the pooled limit, the link stays and its next check comes at the limit at the latest.
 */
final class OriginLink extends AbstractConnection implements HttpParser.ResponseHandler, Callback {

    private static final int HEADER_BUFFER = 4096;
    /** Spec §8.2 allows 32 KB of request headers from the client; ours (CF-*, X-Forwarded-*) come on top. */
    private static final int MAX_REQUEST_HEADERS = 40 * 1024;
    private static final int MAX_RESPONSE_HEADERS = 32 * 1024;
    /**
     * As Jetty's client reads answers: a large body then comes in few chunks, each costing the relay a write and its
     * callbacks (with Jetty's 2 KiB default a 1 MiB answer took 512 of them). Held only while an answer is read.
     */
    private static final int INPUT_BUFFER = 16 * 1024;

    // The read side's hand-over with the demand for a body chunk.
    private static final int IDLE = 0;
    private static final int DELIVERING = 1;
    private static final int DEMANDED = 2;

    private final LinkPool pool;
    private final ByteBufferPool buffers;
    private final long readTimeout;
    private final long pooledIdle;
    private final long steady;
    private final HttpParser parser;
    private final HttpGenerator generator = new HttpGenerator();
    private final Runnable demander = this::demanded;
    private final Runnable bodyDemander = this::nextBodyChunk;
    private final Callback readable = new Readable();
    private final AtomicInteger delivery = new AtomicInteger();

    /** The exchange in flight, or null while pooled. */
    private volatile Send send;
    private volatile long releasedNanos = NanoTime.now();
    /** The halves of the exchange that ended cleanly: the second one pools the link. */
    private final AtomicInteger halves = new AtomicInteger();
    /** The end of an answer that came before the request's last write completed: run once that write did. */
    private volatile Runnable afterRequest;

    // ---- the request (the writing thread)
    /** The exchange being written; unlike {@link #send} it stays set once the answer has ended. */
    private Send writing;
    private MetaData.Request request;
    private RetainableByteBuffer header;
    private RetainableByteBuffer chunkBuffer;
    private Content.Source body;
    private Content.Chunk bodyChunk;
    private ByteBuffer content;
    private boolean last;

    // ---- the answer (the read side)
    private RetainableByteBuffer input;
    private boolean head;
    private int status;
    private HttpFields.Mutable headers;
    private HttpFields.Mutable trailers;
    private boolean interim;
    private boolean headReady;
    private Content.Chunk chunk;
    private boolean messageDone;
    private boolean keepAlive;
    private boolean eof;
    private Throwable failure;

    OriginLink(EndPoint endPoint, Executor executor, LinkPool pool, ByteBufferPool buffers, long readTimeout,
               long pooledIdle) {
        super(endPoint, executor);
        this.pool = pool;
        this.buffers = buffers;
        this.readTimeout = readTimeout;
        this.pooledIdle = pooledIdle;
        this.steady = Math.min(readTimeout, pooledIdle);
        this.parser = new HttpParser(this, MAX_RESPONSE_HEADERS, HttpCompliance.RFC9110);
        setInputBufferSize(INPUT_BUFFER);
    }

    @Override
    public void onOpen() {
        getEndPoint().setIdleTimeout(steady);
        super.onOpen();
        pool.opened();
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        pool.closed(this);
        final Send inFlight = send;
        if (inFlight != null) {
            inFlight.fail(cause != null ? cause : new ClosedChannelException());
        }
        releaseInput();
    }

    // ---- sending ------------------------------------------------------------------------------------------------

    /** Starts {@code next} on this link (idle, from the pool or just connected). */
    void send(Send next) {
        final OriginCall call = next.call;
        head = "HEAD".equals(call.method());
        status = 0;
        headers = null;
        trailers = null;
        interim = false;
        headReady = false;
        messageDone = false;
        keepAlive = true;
        eof = false;
        failure = null;
        halves.set(0);
        afterRequest = null;
        writing = next;
        parser.reset();
        parser.setHeadResponse(head);
        generator.reset();
        delivery.set(IDLE);
        if (getEndPoint().getIdleTimeout() != steady) {
            getEndPoint().setIdleTimeout(steady); // a pooled check shortened it
        }
        final byte[] buffered;
        try {
            final HttpFields.Mutable fields = HttpFields.build();
            call.requestHeaders(fields);
            buffered = call.bufferedBody();
            body = buffered == null ? call.streamedBody() : null;
            final long length = buffered != null ? buffered.length : body != null ? body.getLength() : -1;
            final String path = call.rawPath() == null || call.rawPath().isEmpty() ? "/" : call.rawPath();
            request = new MetaData.Request(call.method(), HttpURI.build().path(path).query(call.rawQuery()),
                    HttpVersion.HTTP_1_1, fields, length);
        } catch (RuntimeException x) {
            // A request that cannot be built fails its attempt, whichever thread handed the link over.
            next.fail(x);
            close();
            return;
        }
        content = buffered == null ? null : ByteBuffer.wrap(buffered);
        last = body == null;
        send = next;
        if (!next.bind(this)) {
            close(); // aborted meanwhile
            return;
        }
        getEndPoint().tryFillInterested(readable);
        generate();
    }

    /** Runs the generator until it needs to flush, a body chunk, or is done. */
    private void generate() {
        try {
            while (true) {
                if (writing.failed()) {
                    releaseRequestBuffers();
                    return;
                }
                final HttpGenerator.Result result = generator.generateRequest(request, bytes(header),
                        bytes(chunkBuffer), content, last);
                switch (result) {
                    case NEED_HEADER -> header = buffers.acquire(HEADER_BUFFER, true);
                    case HEADER_OVERFLOW -> {
                        final boolean atLimit = header.capacity() >= MAX_REQUEST_HEADERS;
                        header.release();
                        header = null;
                        if (atLimit) {
                            throw new IOException("request headers over " + MAX_REQUEST_HEADERS + " bytes");
                        }
                        header = buffers.acquire(MAX_REQUEST_HEADERS, true);
                    }
                    case NEED_CHUNK -> chunkBuffer = buffers.acquire(HttpGenerator.CHUNK_SIZE, true);
                    case FLUSH -> {
                        flush();
                        return;
                    }
                    case CONTINUE, SHUTDOWN_OUT -> {
                    }
                    case DONE -> {
                        if (generator.isEnd()) {
                            releaseRequestBuffers();
                            requestWritten();
                        } else {
                            nextBodyChunk();
                        }
                        return;
                    }
                    default -> throw new IllegalStateException("generator wants " + result);
                }
            }
        } catch (Throwable x) {
            releaseRequestBuffers();
            end(x);
        }
    }

    private void flush() {
        final ByteBuffer h = bytes(header);
        final ByteBuffer c = bytes(chunkBuffer);
        if (BufferUtil.hasContent(c)) {
            getEndPoint().write(this, h == null ? BufferUtil.EMPTY_BUFFER : h, c,
                    content == null ? BufferUtil.EMPTY_BUFFER : content);
        } else if (h != null && content != null) {
            getEndPoint().write(this, h, content);
        } else {
            getEndPoint().write(this, h != null ? h : content != null ? content : BufferUtil.EMPTY_BUFFER);
        }
    }

    /** A flush went out. */
    @Override
    public void succeeded() {
        releaseWritten();
        generate();
    }

    /** A flush failed: the origin closed or reset the connection. */
    @Override
    public void failed(Throwable x) {
        releaseRequestBuffers();
        end(x);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** The next chunk of a streamed body, or a wait for it. */
    private void nextBodyChunk() {
        final Send current = writing;
        if (current.failed()) {
            releaseRequestBuffers();
            return;
        }
        final Content.Chunk next = body.read();
        if (next == null) {
            body.demand(bodyDemander);
            return;
        }
        if (Content.Chunk.isFailure(next)) {
            current.call.bodyFailed();
            releaseRequestBuffers();
            end(next.getFailure());
            return;
        }
        bodyChunk = next;
        content = next.getByteBuffer();
        last = next.isLast();
        generate();
    }

    private void releaseRequestBuffers() {
        releaseWritten();
        if (chunkBuffer != null) {
            chunkBuffer.release();
            chunkBuffer = null;
        }
    }

    /** What a flush wrote: the head's buffer and the body chunk (the chunk framing buffer is reused). */
    private void releaseWritten() {
        if (header != null) {
            header.release();
            header = null;
        }
        if (bodyChunk != null) {
            bodyChunk.release();
            bodyChunk = null;
        }
        content = null;
    }

    private static ByteBuffer bytes(RetainableByteBuffer buffer) {
        return buffer == null ? null : buffer.getByteBuffer();
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    @Override
    public void onFillable() {
        if (send == null) {
            idleRead();
        } else {
            process();
        }
    }

    /**
     * A pooled link became readable: the origin closed it (or sent what nobody asked for). Either way it can serve
     * no request; a send that took it meanwhile fails as a stale connection and is retried on a fresh one.
     */
    private void idleRead() {
        try {
            acquireInput();
            final int read = getEndPoint().fill(input.getByteBuffer());
            if (read == 0) {
                releaseInput();
                getEndPoint().tryFillInterested(readable);
                return;
            }
        } catch (IOException x) {
            // closed below
        }
        close();
    }

    /** Parses and hands over what arrived, reading more until a chunk waits for its demand or the answer ends. */
    private void process() {
        final Send current = send;
        try {
            while (true) {
                final boolean stopped = parser.parseNext(input == null ? BufferUtil.EMPTY_BUFFER
                        : input.getByteBuffer());
                if (failure != null) {
                    end(failure);
                    return;
                }
                if (interim) {
                    // 1xx before the answer: not relayed (Jetty's server answers the client's Expect itself).
                    interim = false;
                    parser.reset();
                    parser.setHeadResponse(head);
                    continue;
                }
                if (headReady) {
                    headReady = false;
                    current.status = status;
                    current.head(status, headers);
                    continue;
                }
                if (chunk != null && messageDone) {
                    final Content.Chunk last = chunk;
                    chunk = null;
                    finish(current, last);
                    return;
                }
                if (chunk != null) {
                    final Content.Chunk delivered = chunk;
                    chunk = null;
                    delivery.set(DELIVERING);
                    current.content(delivered, demander);
                    delivered.release();
                    if (delivery.compareAndSet(DELIVERING, IDLE)) {
                        return; // resumed by the demand
                    }
                    delivery.set(IDLE);
                    continue;
                }
                if (messageDone) {
                    finish(current, null);
                    return;
                }
                if (stopped) {
                    continue;
                }
                if (eof) {
                    end(new EOFException("the origin closed the connection before the answer was complete"));
                    return;
                }
                if (!fill()) {
                    return;
                }
            }
        } catch (HttpException.RuntimeException bad) {
            badMessage(bad);
            end(failure);
        } catch (Throwable x) {
            end(x);
        }
    }

    /** Reads more bytes: false when none are there yet (read interest registered). */
    private boolean fill() throws IOException {
        if (input != null && input.isRetained()) {
            releaseInput(); // a chunk of it is still held downstream
        }
        acquireInput();
        final int read = getEndPoint().fill(input.getByteBuffer());
        if (read > 0) {
            return true;
        }
        if (read == 0) {
            releaseInput();
            getEndPoint().tryFillInterested(readable);
            return false;
        }
        eof = true;
        parser.atEOF();
        return true;
    }

    private void demanded() {
        if (!delivery.compareAndSet(DELIVERING, DEMANDED)) {
            process();
        }
    }

    private void acquireInput() {
        if (input == null) {
            input = buffers.acquire(getInputBufferSize(), true);
        }
    }

    private void releaseInput() {
        final RetainableByteBuffer held = input;
        if (held != null && !held.hasRemaining()) {
            input = null;
            held.release();
        }
    }

    // ---- ending -------------------------------------------------------------------------------------------------

    /**
     * The answer is complete ({@code last}, its last chunk, still to be relayed, or null). The link goes back to the
     * pool before the call hears of the end, so that a client with the whole answer finds it idle for its next
     * request; when the request's last write has not completed yet (an origin may answer that fast), the end waits
     * for it, on the writing thread.
     */
    private void finish(Send current, Content.Chunk last) {
        final HttpFields done = trailers;
        final Runnable end = last == null ? () -> completeCall(current, done) : () -> {
            current.content(last, () -> completeCall(current, done));
            last.release();
        };
        final boolean clean = keepAlive && !eof && (input == null || !input.hasRemaining());
        send = null;
        if (!clean) {
            end.run();
            close();
            return;
        }
        if (input != null) {
            input.release(); // a chunk may still hold it: the next exchange reads into another buffer
            input = null;
        }
        afterRequest = end;
        if (halves.incrementAndGet() == 2) {
            afterRequest = null;
            pool();
            end.run();
        }
    }

    /** The request's half ended cleanly: with the answer's done too, the link is pooled and the call hears. */
    private void requestWritten() {
        if (halves.incrementAndGet() == 2) {
            final Runnable end = afterRequest;
            afterRequest = null;
            pool();
            if (end != null) {
                end.run();
            }
        }
    }

    private static void completeCall(Send current, HttpFields trailers) {
        if (current.claim()) {
            current.call.complete(trailers);
        }
    }

    /** Puts this link, free, in its pool (a new one whose send was aborted while it connected, too). */
    void pool() {
        releasedNanos = NanoTime.now();
        getEndPoint().tryFillInterested(readable); // an origin closing it while pooled is seen at once
        pool.release(this);
    }

    /** Closes the link if it still carries {@code abandoned} (aborted from the client's side). */
    void abandon(Send abandoned) {
        if (send == abandoned) {
            close();
        }
    }

    /** The exchange failed: the link is closed, since its stream is in an unknown state. */
    private void end(Throwable cause) {
        final Send current = send;
        send = null;
        if (current != null) {
            current.fail(cause);
        }
        close();
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        final Send current = send;
        if (current != null) {
            send = null;
            current.fail(new TimeoutException("no answer from the origin within " + readTimeout + " ms"));
            return true;
        }
        final long left = pooledIdle - NanoTime.millisSince(releasedNanos);
        if (left > 0) {
            getEndPoint().setIdleTimeout(Math.min(steady, left));
            if (send != null) {
                getEndPoint().setIdleTimeout(steady); // taken meanwhile: its read timeout stands
            }
            return false;
        }
        return true;
    }

    // ---- the parser's events (HttpParser is not reentrant: they only record, process() acts) ----------------------

    @Override
    public void startResponse(HttpVersion version, int code, String reason) {
        status = code;
        headers = HttpFields.build();
        if (version != HttpVersion.HTTP_1_1) {
            keepAlive = false;
        }
    }

    @Override
    public void parsedHeader(HttpField field) {
        headers.add(field);
        if (field.getHeader() == HttpHeader.CONNECTION && field.contains(HttpHeaderValue.CLOSE.asString())) {
            keepAlive = false;
        }
    }

    @Override
    public boolean headerComplete() {
        if (status >= 100 && status < 200) {
            if (status == 101) {
                failure = new IOException("the origin switched protocols unasked (101)");
                return true;
            }
            interim = true;
            return false;
        }
        headReady = true;
        return true;
    }

    @Override
    public boolean content(ByteBuffer bytes) {
        input.retain();
        chunk = Content.Chunk.asChunk(bytes, false, input);
        // The last bytes of a sized body: parse on to the end of the message, so that the link is pooled before
        // the chunk reaches the client (finish).
        final long length = parser.getContentLength();
        return length < 0 || parser.getContentRead() < length;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public void parsedTrailer(HttpField field) {
        if (trailers == null) {
            trailers = HttpFields.build();
        }
        trailers.add(field);
    }

    @Override
    public boolean messageComplete() {
        if (!interim) {
            messageDone = true;
        }
        return true;
    }

    @Override
    public void earlyEOF() {
        failure = new EOFException("the origin closed the connection before the answer was complete");
    }

    @Override
    public void badMessage(HttpException bad) {
        failure = new IOException("bad answer from the origin: " + bad.getReason(), (Throwable) bad);
    }

    /** Read interest that runs on the selector: the read side never blocks. */
    private final class Readable implements Callback {

        @Override
        public void succeeded() {
            onFillable();
        }

        @Override
        public void failed(Throwable x) {
            end(x);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
