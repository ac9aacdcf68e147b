package dev.fulcrum.servlet;

import jakarta.servlet.ServletInputStream;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * A large or chunked body read with blocking calls on the dispatching thread ({@link BlockingServletClient}) into
 * Jetty's {@link AsyncRequestContent}, one buffer at a time: the next read is posted to that thread's loop once the
 * origin side consumed the previous buffer, so a slow origin slows the client instead of filling memory.
 *
 * <p>Thread safety: every read runs on the loop's one thread.
 */
final class LoopedBodyReader {

    private final ServletInputStream in;
    private final AsyncRequestContent streamed;
    private final Executor loop;
    private final byte[] buffer = new byte[ServletClient.READ_BUFFER];

    LoopedBodyReader(ServletInputStream in, AsyncRequestContent streamed, Executor loop) {
        this.in = in;
        this.streamed = streamed;
        this.loop = loop;
    }

    /** Posts the first read. */
    void start() {
        loop.execute(this::read);
    }

    private void read() {
        final int read;
        try {
            read = in.read(buffer);
        } catch (IOException e) {
            streamed.fail(e); // read as a failure chunk: the client's, not the origin's
            return;
        }
        if (read < 0) {
            streamed.close();
            return;
        }
        // A failed write means the upstream side gave up and reports it: stop reading.
        streamed.write(ByteBuffer.wrap(Arrays.copyOf(buffer, read)),
                Callback.from(() -> loop.execute(this::read), failure -> { }));
    }
}
