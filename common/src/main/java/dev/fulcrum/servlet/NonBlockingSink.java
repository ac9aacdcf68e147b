package dev.fulcrum.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Writes an async response without blocking: each chunk when {@code isReady()} allows, the next one demanded only
 * after the previous went through, the completion run only after the last.
 *
 * <p>{@link #listen} must be called on the container's thread, right after {@code startAsync}: Tomcat then makes
 * its first {@code onWritePossible} call on that same thread once the valve returns. Installed later, from the
 * upstream client's thread when the first chunk arrives, Tomcat hands that call to another of its threads; that
 * hand-off was about an eighth of the valve's CPU per request in the side-by-side benchmark (BENCHMARKS.md).
 *
 * <p>Thread safety: the upstream client's callbacks ({@link #write}, {@link #finish}) and the container
 * ({@link #onWritePossible}) both drive the stream. A work-in-progress counter lets exactly one thread touch it at a
 * time; a thread that finds another at work only counts one more round for it, so neither waits and no write is
 * lost or doubled. After {@code isReady()} returned false only the container's next {@code onWritePossible} resumes.
 * A failure (a write, or the container's {@code onError}) is handled in a round too: the pending write's callback is
 * failed (its buffer released) and {@code failed} told once.
 */
final class NonBlockingSink implements WriteListener {

    /**
     * The most written to the stream at once. Tomcat copies whatever of a write its socket buffer (8 KiB by default,
     * {@code socket.appWriteBufSize}) and the socket cannot take at once into a new array of its own, which cost a
     * 1 MiB answer about 4 MiB of heap when chunks of 16 KiB were written whole; written in pieces, while the stream
     * stays ready, the rest waits in our chunk instead.
     */
    static final int PIECE = 8 * 1024;

    private final ServletOutputStream out;
    private final Consumer<Throwable> failed;
    private final AtomicInteger rounds = new AtomicInteger();
    /** The chunk to write: {@link #pending} is published last, its slice before it. */
    private volatile byte[] pending;
    private int pendingOffset;
    private int pendingLength;
    private volatile Callback demand;
    private volatile Runnable completion;
    private volatile Throwable error;
    /**
     * {@code isReady()} returned true and nothing was written since: asking again would only cost a trip through
     * the connector (about 3 % of the valve's CPU per request). Touched only by the thread at work.
     */
    private boolean ready;
    /** {@code failed} was told. Touched only by the thread at work. */
    private boolean reported;
    /**
     * Each chunk is flushed as it is written, not held in the container's buffer until it fills. Set before the
     * first {@link #write}, whose volatile hand-over publishes it.
     */
    private boolean flushEach;

    /** @param failed told when writing to the client failed (the client went away) */
    NonBlockingSink(ServletOutputStream out, Consumer<Throwable> failed) {
        this.out = out;
        this.failed = failed;
    }

    /** Puts the stream in non-blocking mode; on the container's thread (see the class comment). */
    void listen() {
        out.setWriteListener(this);
    }

    /**
     * Flushes every chunk: for a streamed answer (gRPC messages, events), where each chunk may be all there is for
     * a while. Before the first {@link #write}.
     */
    void flushEachWrite() {
        flushEach = true;
    }

    /**
     * Writes {@code length} bytes of {@code bytes} from {@code offset}, then completes {@code written} (possibly
     * later, on another thread) to ask for the next. The stream is done with the array once {@code written} runs.
     */
    void write(byte[] bytes, int offset, int length, Callback written) {
        pendingOffset = offset;
        pendingLength = length;
        pending = bytes;
        demand = written;
        drain();
    }

    /** Runs {@code done} once everything written has been handed to the container. */
    void finish(Runnable done) {
        completion = done;
        drain();
    }

    @Override
    public void onWritePossible() {
        drain(); // ready stays as it is: the stream is asked again unless it said so since the last write
    }

    @Override
    public void onError(Throwable failure) {
        error = failure;
        drain();
    }

    private void drain() {
        if (rounds.getAndIncrement() != 0) {
            return; // the thread at work runs one more round for us
        }
        int owed = 1;
        do {
            step();
            owed = rounds.addAndGet(-owed);
        } while (owed != 0);
    }

    /** Writes what is pending, then hands on (the next demand, else the completion), while the stream is ready. */
    private void step() {
        final Throwable failure = error;
        if (failure != null) {
            fail(failure);
            return;
        }
        try {
            if (!ready && !(ready = out.isReady())) {
                return;
            }
            final byte[] bytes = pending;
            if (bytes != null) {
                if (!writePiecesWhileReady(bytes)) {
                    return; // the container sends what it holds by itself, then calls onWritePossible
                }
                pending = null;
                if (flushEach) {
                    out.flush();
                    if (!(ready = out.isReady())) {
                        return;
                    }
                }
            }
            final Callback next = demand;
            if (next != null) {
                demand = null;
                next.succeeded(); // may deliver the next chunk at once: its write() adds a round to this loop
                return;
            }
            final Runnable done = completion;
            if (done != null) {
                completion = null;
                done.run();
            }
        } catch (IOException | RuntimeException e) {
            error = e;
            fail(e);
        }
    }

    /**
     * Writes the pending slice in pieces of at most {@link #PIECE} bytes while the stream stays ready.
     *
     * @return whether all of it was written; if not, the rest stays pending for the next {@code onWritePossible}
     */
    private boolean writePiecesWhileReady(byte[] bytes) throws IOException {
        int offset = pendingOffset;
        final int end = offset + pendingLength;
        while (offset < end) {
            final int piece = Math.min(PIECE, end - offset);
            out.write(bytes, offset, piece);
            offset += piece;
            if (!(ready = out.isReady())) {
                if (offset == end) {
                    pending = null; // all of it went; the demand waits for the next onWritePossible
                } else {
                    pendingOffset = offset;
                    pendingLength = end - offset;
                }
                return false;
            }
        }
        return true;
    }

    private void fail(Throwable failure) {
        final Callback written = demand;
        pending = null;
        demand = null;
        completion = null;
        if (written != null) {
            written.failed(failure);
        }
        if (!reported) {
            reported = true;
            failed.accept(failure);
        }
    }
}
