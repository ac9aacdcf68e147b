package dev.fulcrum.upstream;

import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * One end of a WebSocket tunnel as the other end sees it: a {@link TunnelConnection} (a Jetty connection) or a
 * servlet container's upgraded connection.
 */
public interface TunnelPeer {

    /** Writes bytes that came from the other end; completes {@code done} once they are written. */
    void write(ByteBuffer bytes, Callback done);

    /** The other end's side sent everything it will send. */
    void finished();

    /** The tunnel closed (by either end or a failure): release this end's connection. */
    void closed(Throwable cause);
}
