package dev.fulcrum.upstream;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One end of an upgraded (WebSocket) connection as a Jetty connection: installed on an end point that switched
 * protocols (the origin's after its {@code 101}, or the client's in Jetty), it moves raw bytes to its {@link TunnelPeer},
 * the other end, without looking at them.
 *
 * <p>Flow control is one buffer per direction: the next read waits until the peer wrote the previous bytes, so
 * a slow reader on one side slows the writer on the other instead of filling memory. Nothing blocks a thread.
 *
 * <p>Reading starts once the connection is open on its end point and its peer is {@link #attach attached},
 * whichever comes last. Bytes that travelled with the switch (read together with the handshake) come first.
 *
 * <p>Either end finishing (end of stream, error, idle timeout) closes both, once. Thread safety: the fill loop runs
 * on one thread at a time (Jetty's fill interest); {@link #write} and {@link #close} may be called from any thread.
 */
public final class TunnelConnection extends AbstractConnection implements Connection.UpgradeTo, TunnelPeer {

    private static final int BUFFER_SIZE = 16 * 1024;

    /** Bytes on their way to the peer, in flush mode; refilled only once the peer wrote them. */
    private final ByteBuffer buffer = BufferUtil.allocate(BUFFER_SIZE);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counts down "opened" and "attached": reading starts at zero. */
    private final AtomicInteger startGate = new AtomicInteger(2);
    private volatile TunnelPeer peer;
    /** Bytes that came with the switch; delivered before the first read. */
    private volatile ByteBuffer early;
    /** An end waiting for this one to open before it may start writing to it ({@link #attachOnOpen}). */
    private volatile TunnelConnection waiting;

    /**
     * @param endPoint    the end point that switched protocols
     * @param executor    runs fill callbacks (Jetty's contract for connections)
     * @param idleTimeout milliseconds without bytes in either direction before the tunnel is closed
     */
    public TunnelConnection(EndPoint endPoint, Executor executor, long idleTimeout) {
        super(endPoint, executor);
        endPoint.setIdleTimeout(idleTimeout);
    }

    /**
     * The client's end for a Jetty host: a connection for the client's {@code endPoint}, with the origin end's idle
     * timeout, joined to {@code origin} once the host installed it (after writing the 101 answer).
     */
    public static TunnelConnection clientEnd(EndPoint endPoint, Executor executor, TunnelConnection origin) {
        final TunnelConnection client = new TunnelConnection(endPoint, executor,
                origin.getEndPoint().getIdleTimeout());
        client.attachOnOpen(origin);
        return client;
    }

    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (prefilled != null && prefilled.hasRemaining()) {
            final ByteBuffer copy = BufferUtil.allocate(prefilled.remaining());
            BufferUtil.append(copy, prefilled);
            early = copy;
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        final TunnelConnection other = waiting;
        if (other != null) {
            other.attach(this);
        }
        openGate();
    }

    /**
     * Joins both ends, the other end's only once this one is open: for a client connection the host installs
     * after writing the 101 answer, which must go out before any origin byte.
     */
    public void attachOnOpen(TunnelConnection other) {
        waiting = Objects.requireNonNull(other, "other");
        attach(other);
    }

    /** Joins this end to the other; reading starts if this end is open already. */
    public void attach(TunnelPeer other) {
        this.peer = Objects.requireNonNull(other, "other");
        if (closed.get()) {
            other.closed(null);
            return;
        }
        openGate();
    }

    private void openGate() {
        if (startGate.decrementAndGet() != 0) {
            return;
        }
        final ByteBuffer first = early;
        early = null;
        if (first != null) {
            peer.write(first, Callback.from(this::fillInterested, this::close));
        } else {
            fillInterested();
        }
    }

    @Override
    public void write(ByteBuffer bytes, Callback done) {
        if (closed.get()) {
            done.failed(new IOException("tunnel closed"));
            return;
        }
        getEndPoint().write(Callback.from(done::succeeded, failure -> {
            done.failed(failure);
            close(failure);
        }), bytes);
    }

    /** The other side sent everything: this end's side sees end of stream and closes when it is done. */
    @Override
    public void finished() {
        if (!closed.get()) {
            getEndPoint().shutdownOutput();
        }
    }

    @Override
    public void onFillable() {
        try {
            BufferUtil.clear(buffer);
            final int filled = getEndPoint().fill(buffer);
            if (filled > 0) {
                peer.write(buffer, Callback.from(this::fillInterested, this::close));
            } else if (filled == 0) {
                fillInterested();
            } else {
                peer.finished();
                // The other side may still talk: wait for it to finish or for the idle timeout.
                if (getEndPoint().isOutputShutdown()) {
                    close(null);
                }
            }
        } catch (IOException e) {
            close(e);
        }
    }

    @Override
    protected boolean onReadTimeout(TimeoutException timeout) {
        close(timeout);
        return true;
    }

    /** Closes both ends, once. */
    @Override
    public void closed(Throwable cause) {
        close(cause);
    }

    /** Closes both ends, once. */
    public void close(Throwable cause) {
        if (closed.compareAndSet(false, true)) {
            getEndPoint().close(cause);
            final TunnelPeer other = peer;
            if (other != null) {
                other.closed(cause);
            }
        }
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        close(cause);
    }

    /** Whether the tunnel was closed. */
    public boolean isClosed() {
        return closed.get();
    }
}
