package dev.fulcrum.upstream.link;

import dev.fulcrum.net.OriginTls;
import dev.fulcrum.routing.OriginConnections;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.Scheduler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Plain HTTP/1.1 to origins on connections of our own ({@link OriginLink}): a pool of idle links per origin, new ones
 * connected on selectors of this object's own {@link ClientConnector}. Against Jetty's {@code HttpClient} this drops
 * the client's per-exchange objects (request, exchange, conversation, listeners), its destination queue and its
 * timer per request; the answer is parsed on the link's selector and handed to the caller there.
 *
 * <p>Why selectors of its own and not the server connector's: connecting through a server connector's
 * {@code SelectorManager} makes a <i>server</i> connection for the channel (its factory ignores the attachment) and
 * reports it to the connector's listeners (its endpoint set, statistics, the per-client connection cap), and an
 * endpoint on a server selector reports its close there too. Doing it cleanly would mean a second
 * {@code SelectableChannelEndPoint} of our own; see ARCHITECTURE.md, "Upstream connections on one selector".
 *
 * <p>Lifecycle: {@link #start}, then {@link #close}, which closes every link. Thread safety: safe to share.
 */
public final class OriginLinks implements AutoCloseable {

    private static final String POOL = "fulcrum.link.pool";
    /**
     * Pools are never cleared wholesale (a configuration holds tens of thousands of origins, each with warm links);
     * once the table reaches this size, and then twice the size left after each sweep, the pools of origins with no
     * link and no waiting send are dropped: an origin removed from the configuration leaves nothing behind.
     */
    private static final int SWEEP_FIRST = 4_096;

    private final LinkConnector connector;
    private final SocketAddressResolver resolver;
    private final OriginConnections connections;
    private final ConcurrentHashMap<Key, LinkPool> pools = new ConcurrentHashMap<>();
    private volatile int sweepAt = SWEEP_FIRST;
    private final int maxConnections;
    private final int maxQueued;

    /** Something sent on a link, which the client's side may abort. */
    public interface InFlight {
        /** Ends the exchange with {@code cause} (reported to its call) unless it ended already. */
        void abort(Throwable cause);
    }

    private OriginLinks(LinkConnector connector, SocketAddressResolver resolver, OriginConnections connections,
                        int maxConnections, int maxQueued) {
        this.connector = connector;
        this.maxConnections = maxConnections;
        this.maxQueued = maxQueued;
        this.resolver = resolver;
        this.connections = connections;
    }

    /**
     * Starts the links' selectors.
     *
     * @param resolver       resolves origin host names (never on a selector)
     * @param maxConnections links per origin, open or connecting; beyond them sends wait for a free link
     * @param maxQueued      sends waiting per origin before more are refused
     * @param connections    the {@code least_connections} tracker, or null
     */
    public static OriginLinks start(int selectors, Executor executor, Scheduler scheduler, ByteBufferPool buffers,
                                    SocketAddressResolver resolver, Duration connectTimeout, Duration readTimeout,
                                    Duration pooledIdle, int maxConnections, int maxQueued,
                                    OriginConnections connections) {
        final LinkConnector connector = new LinkConnector(readTimeout.toMillis(), pooledIdle.toMillis());
        connector.setSelectors(selectors);
        connector.setExecutor(executor);
        connector.setScheduler(scheduler);
        connector.setByteBufferPool(buffers);
        connector.setConnectTimeout(connectTimeout);
        connector.setIdleTimeout(Duration.ofMillis(Math.min(readTimeout.toMillis(), pooledIdle.toMillis())));
        try {
            connector.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the origin links: " + e, e);
        }
        return new OriginLinks(connector, resolver, connections, maxConnections, maxQueued);
    }

    /**
     * Sends {@code call} to {@code address:port} on an idle link, or on a new one when none is idle or
     * {@code fresh} asks for it (a stale-connection retry).
     */
    public InFlight send(String address, int port, boolean fresh, OriginCall call) {
        final LinkPool pool = pool(address, port);
        final Send send = new Send(call, pool);
        pool.send(send, fresh);
        return send;
    }

    /** Calls {@code counts} with each origin's {@code address:port} and its open and idle links (metrics). */
    public void forEachOrigin(OriginCounts counts) {
        for (LinkPool pool : pools.values()) {
            counts.accept(pool.address, pool.port, pool.open(), pool.idle());
        }
    }

    /** One origin's link counts. */
    @FunctionalInterface
    public interface OriginCounts {
        void accept(String address, int port, int open, int idle);
    }

    private LinkPool pool(String address, int port) {
        final Key key = new Key(address, port);
        final LinkPool known = pools.get(key);
        if (known != null) {
            return known;
        }
        final String host = address.indexOf(':') >= 0 && !address.startsWith("[") ? '[' + address + ']' : address;
        if (URI.create("http://" + host + ':' + port).getHost() == null) {
            // As Jetty's client refuses it (an underscore, say): no request can be built for it.
            throw new IllegalArgumentException("not a host name: " + address);
        }
        if (pools.size() >= sweepAt) {
            sweep();
        }
        return pools.computeIfAbsent(key, k -> new LinkPool(address, port, maxConnections, maxQueued, connections,
                this::connect));
    }

    /** Drops the pools that hold nothing; costs a pass over the table only once it doubled since the last one. */
    private void sweep() {
        pools.values().removeIf(LinkPool::unused);
        sweepAt = Math.max(SWEEP_FIRST, 2 * pools.size());
    }

    /** Connects a new link for {@code send}, the pool's reservation taken. */
    private void connect(Send send) {
        final LinkPool pool = send.pool;
        final String host = unbracketed(pool.address);
        final Promise<List<InetSocketAddress>> resolved = Promise.from(
                addresses -> connect(pool, send, addresses.get(0)), failure -> notConnected(pool, send, failure));
        if (OriginTls.isIpLiteral(host)) {
            try {
                resolved.succeeded(List.of(new InetSocketAddress(InetAddress.getByName(host), pool.port)));
            } catch (UnknownHostException e) {
                notConnected(pool, send, e);
            }
        } else {
            resolver.resolve(host, pool.port, new HashMap<>(), resolved);
        }
    }

    private void connect(LinkPool pool, Send send, InetSocketAddress address) {
        if (send.ended()) {
            pool.unreserve(); // aborted while its name was looked up
            return;
        }
        final Map<String, Object> context = new HashMap<>();
        context.put(Transport.class.getName(), Transport.TCP_IP);
        context.put(POOL, pool);
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, Promise.<Connection>from(
                connection -> opened((OriginLink) connection, send),
                failure -> notConnected(pool, send, failure)));
        connector.connect(address, context);
    }

    private static void opened(OriginLink link, Send send) {
        if (send.ended()) {
            link.pool(); // aborted while connecting: a new link for the next request
        } else {
            link.send(send);
        }
    }

    private static void notConnected(LinkPool pool, Send send, Throwable failure) {
        pool.unreserve();
        send.fail(failure);
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Closes every link and stops the selectors. */
    @Override
    public void close() {
        try {
            connector.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the origin links: " + e, e);
        }
    }

    private record Key(String address, int port) {
    }

    /** Jetty's client connector, making links instead of a protocol's connections. */
    private static final class LinkConnector extends ClientConnector {

        private final long readTimeout;
        private final long pooledIdle;

        LinkConnector(long readTimeout, long pooledIdle) {
            this.readTimeout = readTimeout;
            this.pooledIdle = pooledIdle;
        }

        @Override
        protected Connection newConnection(EndPoint endPoint, Map<String, Object> context) {
            return new OriginLink(endPoint, getExecutor(), (LinkPool) context.get(POOL), getByteBufferPool(),
                    readTimeout, pooledIdle);
        }
    }
}
