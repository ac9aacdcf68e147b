package dev.fulcrum.servlet;

import dev.fulcrum.upstream.TunnelConnection;
import dev.fulcrum.upstream.TunnelPeer;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client half of a WebSocket tunnel: the container's upgraded connection ({@link WebConnection}), pumped to and
 * from an {@link TunnelConnection} with the servlet API's non-blocking listeners, so an open WebSocket holds no thread.
 *
 * <p>The container instantiates it ({@code HttpServletRequest.upgrade}); {@link BlockingServletClient} then gives it
 * its origin half with {@link #connect} before the container calls {@link #init}.
 *
 * <p>Servlet hand-off rule: after {@code isReady()} returned false only the container calls back. Origin bytes are
 * written only after the container's first {@code onWritePossible}. Reading stops
 * while a write to the origin is pending and resumes from that write's callback, and the origin is read again only
 * once the previous bytes reached the client, so each stream is used by one thread at a time.
 */
public final class ClientTunnel implements HttpUpgradeHandler, TunnelPeer {

    private static final int BUFFER_SIZE = 16 * 1024;

    private final byte[] readBuffer = new byte[BUFFER_SIZE];
    /** The origin bytes being written to the client, completed once the container took them. */
    private final AtomicReference<Callback> writing = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile TunnelConnection origin;
    private volatile WebConnection connection;
    private volatile ServletInputStream in;
    private volatile ServletOutputStream out;

    /** For the container; the origin half comes with {@link #connect}. */
    public ClientTunnel() {
    }

    /** Gives this client half its origin half; called before the container calls {@link #init}. */
    public void connect(TunnelConnection originTunnel) {
        this.origin = originTunnel;
    }

    @Override
    public void init(WebConnection webConnection) {
        final TunnelConnection o = origin;
        connection = webConnection;
        try {
            in = webConnection.getInputStream();
            out = webConnection.getOutputStream();
        } catch (IOException e) {
            closed(e);
            return;
        }
        if (o == null) {
            closed(new IllegalStateException("upgraded without an origin connection"));
            return;
        }
        out.setWriteListener(new ToClient());
        in.setReadListener(new FromClient());
    }

    // ---- origin → client

    @Override
    public void write(ByteBuffer bytes, Callback done) {
        try {
            ServletClient.write(out, bytes);
            if (out.isReady()) {
                out.flush();
            }
            // Published after the write and before the isReady() that may arm onWritePossible, so the callback
            // cannot complete before these bytes were handed to the container, nor be missed by it.
            writing.set(done);
            if (out.isReady()) {
                completeWrite();
            }
        } catch (IOException | RuntimeException e) {
            writing.set(null);
            done.failed(e);
            closed(e);
        }
    }

    private void completeWrite() {
        final Callback done = writing.getAndSet(null);
        if (done != null) {
            done.succeeded();
        }
    }

    private final class ToClient implements WriteListener {

        private boolean started;

        @Override
        public void onWritePossible() {
            if (!started) {
                // The container's first call says the stream is ready: only now may origin bytes be written.
                started = true;
                origin.attach(ClientTunnel.this);
                return;
            }
            completeWrite();
        }

        @Override
        public void onError(Throwable failure) {
            final Callback done = writing.getAndSet(null);
            if (done != null) {
                done.failed(failure);
            }
            closed(failure);
        }
    }

    // ---- client → origin

    private final class FromClient implements ReadListener {
        @Override
        public void onDataAvailable() {
            pump();
        }

        @Override
        public void onAllDataRead() {
            final TunnelConnection o = origin;
            if (o != null) {
                o.finished();
            }
        }

        @Override
        public void onError(Throwable failure) {
            closed(failure);
        }
    }

    /** Reads what the client sent and passes it on; returns when waiting for the client or for the origin. */
    private void pump() {
        try {
            while (!closed.get() && in.isReady()) {
                final int read = in.read(readBuffer);
                if (read < 0) {
                    return; // onAllDataRead follows
                }
                if (read > 0) {
                    // Resume from the write's callback: the container will not call onDataAvailable while
                    // isReady() last said true.
                    origin.write(ByteBuffer.wrap(readBuffer, 0, read), Callback.from(this::pump, this::closed));
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            closed(e);
        }
    }

    // ---- end

    /**
     * The origin sent everything: a servlet connection cannot be half-closed, and a WebSocket origin ends its
     * stream only after the closing handshake, so the whole tunnel closes.
     */
    @Override
    public void finished() {
        closed(null);
    }

    @Override
    public void closed(Throwable cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        final TunnelConnection o = origin;
        if (o != null) {
            o.close(cause);
        }
        final WebConnection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // Already gone; nothing more to release.
            }
        }
    }

    @Override
    public void destroy() {
        closed(null);
    }
}
