package dev.fulcrum.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A large or chunked body, read without blocking into Jetty's {@link AsyncRequestContent} one buffer at a time: the
 * next read waits until the origin side consumed the previous buffer, so a slow origin slows the client instead of
 * filling memory. A failed read fails the content (the client's failure, not the origin's); the end closes it.
 *
 * <p>Thread safety: the container's calls and the content's write callback follow one another; {@code closed} stops
 * both once either ended.
 */
final class StreamedBodyReader implements ReadListener {

    private final ServletInputStream in;
    private final AsyncRequestContent streamed;
    private final byte[] buffer = new byte[ServletClient.READ_BUFFER];
    private final AtomicBoolean closed = new AtomicBoolean();

    StreamedBodyReader(ServletInputStream in, AsyncRequestContent streamed) {
        this.in = in;
        this.streamed = streamed;
    }

    @Override
    public void onDataAvailable() throws IOException {
        if (!closed.get()) {
            pump();
        }
    }

    /** Reads at most one buffer; the next read waits until the origin side consumed it. */
    private void pump() throws IOException {
        while (true) {
            if (in.isFinished()) {
                onAllDataRead();
                return;
            }
            if (!in.isReady()) {
                return; // the container calls onDataAvailable when more arrives
            }
            final int read = in.read(buffer);
            if (read < 0) {
                onAllDataRead();
                return;
            }
            if (read > 0) {
                // A failed write means the upstream side gave up (its own failure is reported there): stop
                // reading, but do not blame the client.
                streamed.write(ByteBuffer.wrap(Arrays.copyOf(buffer, read)),
                        Callback.from(this::resume, failure -> closed.set(true)));
                return;
            }
        }
    }

    private void resume() {
        if (closed.get()) {
            return;
        }
        try {
            pump();
        } catch (IOException | RuntimeException e) {
            onError(e);
        }
    }

    @Override
    public void onAllDataRead() {
        if (closed.compareAndSet(false, true)) {
            streamed.close();
        }
    }

    @Override
    public void onError(Throwable failure) {
        if (closed.compareAndSet(false, true)) {
            streamed.fail(failure); // read as a failure chunk: the client's, not the origin's
        }
    }
}
