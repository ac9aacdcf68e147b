package dev.fulcrum.jetty;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.CyclicTimeout;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * Jetty's HTTP/1.1 server connection with {@link ClientGuards}: admitted on open against the per-address cap, and
 * closed when a request's head takes longer than the header deadline.
 *
 * <p>Why after each read rather than inside the parser: a read that ends inside a request's head is the only
 * moment a deadline has to start, and the parser's state after {@link #onFillable()} says whether it did. A request
 * whose head arrives whole never arms the timer. Jetty's {@link CyclicTimeout} keeps one scheduled wake-up per
 * connection however often it is re-armed.
 *
 * <p>Concurrency: {@link #onFillable()} runs on one thread at a time (Jetty's fill interest); the timer fires on the
 * scheduler and only closes the endpoint, which is thread-safe.
 */
final class GuardedHttpConnection extends HttpConnection {

    private final ClientGuards guards;
    private final InetAddress client;
    private final HeadDeadline deadline;
    private boolean admitted;
    /** Whether the deadline runs; only touched by {@link #onFillable()}. */
    private boolean armed;
    /** Jetty's read callback as a non-blocking one, on a proxy-only connector. */
    private OnSelector onSelector;

    GuardedHttpConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint,
                          ClientGuards guards) {
        super(configuration, connector, endPoint);
        this.guards = guards;
        this.client = ClientGuards.addressOf(endPoint);
        this.deadline = guards.headerTimeoutMillis() > 0 ? new HeadDeadline(connector, endPoint) : null;
    }

    @Override
    public void onOpen() {
        admitted = guards.admit(client);
        if (!admitted) {
            // Over the cap: nothing is read, so nothing is answered; the client's open connections go on.
            getEndPoint().close();
            return;
        }
        super.onOpen();
    }

    @Override
    public void onClose(Throwable cause) {
        if (deadline != null) {
            deadline.destroy();
        }
        if (admitted) {
            admitted = false;
            guards.release(client);
        }
        super.onClose(cause);
    }

    @Override
    public void onFillable() {
        super.onFillable();
        if (deadline == null) {
            return;
        }
        final boolean inHead = inHead(getParser().getState());
        if (inHead && !armed) {
            armed = true;
            deadline.schedule(guards.headerTimeoutMillis(), TimeUnit.MILLISECONDS);
        } else if (!inHead && armed) {
            armed = false;
            deadline.cancel();
        }
    }

    /**
     * On a proxy-only connector ({@link ClientGuards#applyToProxyOnly}) the read callback is non-blocking, so the
     * selector runs the read and the request's handling itself; Jetty types it by the whole server's handlers, where
     * the API's blocking servlets count. Jetty passes its one read callback here each time.
     */
    @Override
    public void fillInterested(Callback callback) {
        if (!guards.proxyOnly()) {
            super.fillInterested(callback);
            return;
        }
        OnSelector wrapper = onSelector;
        if (wrapper == null || wrapper.fillable != callback) {
            wrapper = new OnSelector(callback); // immutable: a race only builds it twice
            onSelector = wrapper;
        }
        super.fillInterested(wrapper);
    }

    /** Jetty's read callback, declared non-blocking. */
    private static final class OnSelector implements Callback {

        final Callback fillable;

        OnSelector(Callback fillable) {
            this.fillable = fillable;
        }

        @Override
        public void succeeded() {
            fillable.succeeded();
        }

        @Override
        public void failed(Throwable x) {
            fillable.failed(x);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    /** Between a request's first byte and the end of its headers: request line, headers, PROXY preamble. */
    private static boolean inHead(HttpParser.State state) {
        return state.ordinal() > HttpParser.State.START.ordinal()
                && state.ordinal() <= HttpParser.State.HEADER.ordinal();
    }

    /** Closes the connection when a request's head is still incomplete at the deadline. */
    private static final class HeadDeadline extends CyclicTimeout {

        private final EndPoint endPoint;

        HeadDeadline(Connector connector, EndPoint endPoint) {
            super(connector.getScheduler());
            this.endPoint = endPoint;
        }

        @Override
        public void onTimeoutExpired() {
            endPoint.close();
        }
    }
}
