package dev.fulcrum.jetty;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slow-client defences for a proxy listener (the standalone's proxy connector, the Jetty module's server
 * connectors), in Jetty's own terms: a total deadline for a request's head and a cap on open connections per client
 * address. Jetty's idle timeout alone does not stop a slowloris client, whose every byte restarts it.
 *
 * <ul>
 *   <li><b>Header deadline</b> (nginx's {@code client_header_timeout}): from the first byte of a request until its
 *       head (request line and headers) is complete; a connection still short of it is closed. Between requests of
 *       a kept-alive connection the idle timeout applies, not this. Zero turns it off.</li>
 *   <li><b>Connections per client address</b>: a connection beyond the cap is closed as soon as it opens, before
 *       anything is read; the client's other connections go on. Zero means no cap. Behind another proxy every client
 *       shares the proxy's address, so leave it off there or set it above the proxy's own pool.</li>
 * </ul>
 *
 * <p>They wrap the connector's HTTP/1.1 connection factory ({@link GuardedHttpConnection}); HTTP/2 and other
 * protocols are left as they are. Must be applied while the connector is stopped.
 *
 * <p>Cost: per read, one look at the parser's state; a deadline is armed only when a read ends inside a request's
 * head, which a client sending its head in one packet never does. The per-address count is touched on open and close
 * only. Thread safety: the counts are a concurrent map; the rest is immutable.
 */
public final class ClientGuards {

    private static final Logger LOG = LoggerFactory.getLogger(ClientGuards.class);

    private final long headerTimeoutMillis;
    private final int maxConnectionsPerClient;
    /** The connectors serve the proxy handler alone: requests are handled on the selector that read them. */
    private final boolean proxyOnly;
    /** Open connections per client address; an address leaves the map with its last connection. */
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    private ClientGuards(Duration headerTimeout, int maxConnectionsPerClient, boolean proxyOnly) {
        this.headerTimeoutMillis = headerTimeout.toMillis();
        this.maxConnectionsPerClient = maxConnectionsPerClient;
        this.proxyOnly = proxyOnly;
    }

    /**
     * Puts the guards on {@code connector}'s HTTP/1.1 factory. A factory of a class other than Jetty's own
     * {@link HttpConnectionFactory} is left alone, with a warning: its behaviour is not Fulcrum's to replace.
     *
     * @param headerTimeout           the deadline for a request's head; zero: none
     * @param maxConnectionsPerClient the open connections allowed per client address; zero: no cap
     * @return whether the guards were put on
     */
    public static boolean apply(Connector connector, Duration headerTimeout, int maxConnectionsPerClient) {
        return !apply(List.of(connector), headerTimeout, maxConnectionsPerClient).isEmpty();
    }

    /**
     * Puts one set of guards on the HTTP/1.1 factories of {@code connectors}, as {@link #apply(Connector, Duration,
     * int)} does for one: a client's connections count toward one cap whichever of them they opened on.
     *
     * @return the connectors the guards were put on
     */
    public static List<Connector> apply(Collection<? extends Connector> connectors, Duration headerTimeout,
                                        int maxConnectionsPerClient) {
        return apply(connectors, headerTimeout, maxConnectionsPerClient, false);
    }

    /**
     * As {@link #apply(Collection, Duration, int)}, for connectors whose every request goes to
     * {@link FulcrumProxyHandler} (the standalone's proxy ports), which never blocks: their HTTP/1.1 connections then
     * read, parse and hand each request to the handler on the selector thread that read it, instead of handing it to
     * a pool thread (Jetty decides that by the whole server's handlers, where the blocking API servlets count). This
     * halves the thread hand-offs per proxied request (BENCHMARKS.md, "Allocation and contention"). Never for a
     * connector that also serves other handlers (the Jetty module's).
     */
    public static List<Connector> applyToProxyOnly(Collection<? extends Connector> connectors,
                                                   Duration headerTimeout, int maxConnectionsPerClient) {
        return apply(connectors, headerTimeout, maxConnectionsPerClient, true);
    }

    private static List<Connector> apply(Collection<? extends Connector> connectors, Duration headerTimeout,
                                         int maxConnectionsPerClient, boolean proxyOnly) {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        if (headerTimeout.isNegative() || maxConnectionsPerClient < 0) {
            throw new IllegalArgumentException("headerTimeout and maxConnectionsPerClient must not be negative");
        }
        if (headerTimeout.isZero() && maxConnectionsPerClient == 0 && !proxyOnly) {
            return List.of();
        }
        final ClientGuards guards = new ClientGuards(headerTimeout, maxConnectionsPerClient, proxyOnly);
        final List<Connector> guarded = new ArrayList<>();
        for (Connector connector : connectors) {
            if (guard(connector, guards)) {
                guarded.add(connector);
            }
        }
        return guarded;
    }

    private static boolean guard(Connector connector, ClientGuards guards) {
        if (!(connector instanceof ServerConnector server)) {
            return false;
        }
        final ConnectionFactory factory = server.getConnectionFactory(HttpConnectionFactory.class);
        if (factory == null || factory.getClass() != HttpConnectionFactory.class) {
            if (factory != null) {
                LOG.warn("Fulcrum: connector {} has its own HTTP/1.1 factory {}; no header deadline or "
                        + "per-client cap on it", connector.getName(), factory.getClass().getName());
            }
            return false;
        }
        server.addConnectionFactory(new Factory((HttpConnectionFactory) factory, guards));
        return true;
    }

    long headerTimeoutMillis() {
        return headerTimeoutMillis;
    }

    boolean proxyOnly() {
        return proxyOnly;
    }

    /** Counts a new connection of {@code address}; false (and nothing counted) when the address is at its cap. */
    boolean admit(InetAddress address) {
        if (maxConnectionsPerClient == 0 || address == null) {
            return true;
        }
        final boolean[] admitted = new boolean[1];
        open.compute(address, (a, count) -> {
            final int now = count == null ? 0 : count;
            admitted[0] = now < maxConnectionsPerClient;
            return admitted[0] ? now + 1 : count;
        });
        return admitted[0];
    }

    /** Uncounts a connection {@link #admit} counted. */
    void release(InetAddress address) {
        if (maxConnectionsPerClient == 0 || address == null) {
            return;
        }
        open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    static InetAddress addressOf(EndPoint endPoint) {
        final SocketAddress remote = endPoint.getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** Jetty's HTTP/1.1 factory, making guarded connections; its configuration is the replaced factory's. */
    private static final class Factory extends HttpConnectionFactory {

        private final ClientGuards guards;

        Factory(HttpConnectionFactory replaced, ClientGuards guards) {
            super(replaced.getHttpConfiguration());
            setUseInputDirectByteBuffers(replaced.isUseInputDirectByteBuffers());
            setUseOutputDirectByteBuffers(replaced.isUseOutputDirectByteBuffers());
            this.guards = guards;
        }

        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            final GuardedHttpConnection connection = new GuardedHttpConnection(getHttpConfiguration(), connector,
                    endPoint, guards);
            connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
            connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
            return configure(connection, connector, endPoint);
        }
    }
}
