package dev.fulcrum.servlet;

import dev.fulcrum.forwarding.Forwarding;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A body within the replay limit, read without blocking into memory before the first send, then handed to the loop
 * ({@link Forwarding#bodyRead}); a body that ends short or fails is the client's failure
 * ({@link Forwarding#bodyFailed}). Thread safety: the container calls it one call at a time.
 */
final class BufferedBodyReader implements ReadListener {

    private final ServletInputStream in;
    private final Forwarding forwarding;
    private final byte[] body;
    private int filled;
    private final AtomicBoolean complete = new AtomicBoolean();

    BufferedBodyReader(ServletInputStream in, int length, Forwarding forwarding) {
        this.in = in;
        this.forwarding = forwarding;
        this.body = new byte[length];
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (filled < body.length && in.isReady()) {
            final int read = in.read(body, filled, body.length - filled);
            if (read < 0) {
                break;
            }
            filled += read;
        }
        if (filled == body.length) {
            onAllDataRead();
        }
    }

    @Override
    public void onAllDataRead() {
        if (!complete.compareAndSet(false, true)) {
            return;
        }
        if (filled < body.length) {
            forwarding.bodyFailed(ServletClient.shortBody(filled, body.length));
            return;
        }
        forwarding.bodyRead(body);
    }

    @Override
    public void onError(Throwable failure) {
        if (complete.compareAndSet(false, true)) {
            forwarding.bodyFailed(failure);
        }
    }
}
