package dev.fulcrum.upstream;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.client.transport.SendFailure;
import org.eclipse.jetty.client.transport.internal.HttpConnectionOverHTTP;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.NanoTime;

import java.util.List;
import java.util.Map;

/**
 * An HTTP/1.1 connection to an origin that keeps the read timeout without a timer per request.
 *
 * <p>Jetty applies a request's idle timeout (our read timeout, 100 s) to the connection for the exchange and puts
 * the connection's own back afterwards (the pooled idle timeout, 900 s). Lowering a connection's idle timeout
 * cancels its timer and schedules a new one on the client's one scheduler, so every request paid a cancel and a
 * schedule there, with the scheduler queue's lock shared by every thread sending (3.1 % of the proxy's CPU in the
 * side-by-side profile). Here the connection's idle timeout stays at the shorter of the two, so the request's
 * timeout never lowers it and Jetty sets it without touching the timer; the pooled idle limit is kept by this
 * connection instead: when the idle timer fires with no exchange in flight and the connection has been idle in the
 * pool for less than the pooled limit, it stays open, and its next check is set no later than the limit.
 *
 * <p>Thread safety: the idle check runs on the scheduler while a send may start on another thread; {@link #busy}
 * (volatile, set before Jetty applies the request's timeout) lets the check put the read timeout back if a send
 * began while it shortened the timer.
 */
final class OriginConnection extends HttpConnectionOverHTTP {

    private final long readTimeout;
    private final long pooledIdle;
    /** The idle timeout between exchanges: the shorter of the read timeout and the pooled idle limit. */
    private final long steady;
    private volatile long releasedNanos = NanoTime.now();
    private volatile boolean busy;

    private OriginConnection(EndPoint endPoint, Map<String, Object> context, long readTimeout, long pooledIdle) {
        super(endPoint, context);
        this.readTimeout = readTimeout;
        this.pooledIdle = pooledIdle;
        this.steady = Math.min(readTimeout, pooledIdle);
    }

    /** Jetty's HTTP/1.1 protocol ({@code http/1.1}) with these connections. */
    static ClientConnectionFactory.Info http11(long readTimeoutMillis, long pooledIdleMillis) {
        final ClientConnectionFactory.Info jetty = new HttpClientConnectionFactory.HTTP11();
        final HttpClientConnectionFactory factory = new HttpClientConnectionFactory() {
            @Override
            public Connection newConnection(EndPoint endPoint, Map<String, Object> context) {
                final OriginConnection connection = new OriginConnection(endPoint, context, readTimeoutMillis,
                        pooledIdleMillis);
                connection.setInitialize(isInitializeConnections());
                connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
                return customize(connection, context);
            }
        };
        return new ClientConnectionFactory.Info(factory) {
            @Override
            public List<String> getProtocols(boolean secure) {
                return jetty.getProtocols(secure);
            }

            @Override
            public Transport getTransport() {
                return jetty.getTransport();
            }
        };
    }

    @Override
    public void onOpen() {
        getEndPoint().setIdleTimeout(steady);
        super.onOpen();
    }

    @Override
    public SendFailure send(HttpExchange exchange) {
        busy = true;
        return super.send(exchange);
    }

    @Override
    public void send(Request request, Response.CompleteListener listener) {
        busy = true;
        super.send(request, listener);
    }

    @Override
    public void release() {
        releasedNanos = NanoTime.now();
        busy = false;
        super.release();
    }

    @Override
    protected boolean onIdleTimeout(long idleTimeout) {
        if (!busy && getHttpChannel().getHttpExchange() == null) {
            final long left = pooledIdle - NanoTime.millisSince(releasedNanos);
            if (left > 0) {
                // Idle in the pool, within the limit: stays open; the next check comes at the limit at the latest.
                getEndPoint().setIdleTimeout(Math.min(steady, left));
                if (busy) {
                    getEndPoint().setIdleTimeout(readTimeout); // a send began meanwhile: its timeout stands
                }
                return false;
            }
        }
        return super.onIdleTimeout(idleTimeout);
    }
}
