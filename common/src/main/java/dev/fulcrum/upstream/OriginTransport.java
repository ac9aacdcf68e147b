package dev.fulcrum.upstream;

import dev.fulcrum.routing.OriginConnections;
import org.eclipse.jetty.client.ConnectionPool;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.DuplexConnectionPool;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.MultiplexConnectionPool;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The upstream client's transport: HTTP/1.1, and HTTP/2 for the requests that ask for it by their version (gRPC
 * calls): h2c with prior knowledge to plain origins, h2 by ALPN to TLS ones. Which one a request takes is Jetty's
 * {@link HttpClientTransportDynamic}'s choice from the request's explicit version, so an HTTP/1.1 request never
 * negotiates (it speaks TLS without ALPN, as before) and each protocol keeps a connection pool of its own per origin,
 * with the client's idle timeout (Jetty's client hands its idle and connect timeouts to the {@link HTTP2Client}).
 *
 * <p>With a tracker, each connection is reported opened and closed (for {@code least_connections}): counted at the
 * protocol's own connection, which lives as long as the socket, not at the TLS or ALPN layers, which an h2 connection
 * replaces once ALPN chose it.
 */
final class OriginTransport {

    private static final int H2_STREAMS_EXPECTED = 100;

    private OriginTransport() {
    }

    /**
     * @param readTimeoutMillis the read timeout every HTTP/1.1 request carries, and
     * @param pooledIdleMillis  the pooled idle limit, both kept by {@link OriginConnection}
     */
    static HttpClientTransport of(ClientConnector connector, int maxRequestHeadersSize, long readTimeoutMillis,
                                  long pooledIdleMillis, OriginConnections connections) {
        final HTTP2Client http2 = new HTTP2Client(connector);
        http2.setMaxRequestHeadersSize(maxRequestHeadersSize);
        final ClientConnectionFactory.Info http11 = OriginConnection.http11(readTimeoutMillis, pooledIdleMillis);
        final ClientConnectionFactory.Info h2 = new ClientConnectionFactoryOverHTTP2.HTTP2(http2);
        final HttpClientTransportDynamic transport = connections == null
                ? new HttpClientTransportDynamic(connector, http11, h2)
                : new HttpClientTransportDynamic(connector, new Observed(http11, connections),
                        new Observed(h2, connections));
        transport.setConnectionPoolFactory(OriginTransport::pool);
        return transport;
    }

    /**
     * HTTP/1.1 keeps the pool it always had (one exchange per connection). An HTTP/2 pool counts on the streams a
     * connection may carry (RFC 9113 §6.5.2 asks a server to allow at least 100) while its first connection opens,
     * so that a burst of calls to a cold origin waits for one connection instead of opening one each; once open, a
     * connection carries what the origin's SETTINGS allow.
     */
    private static ConnectionPool pool(Destination destination) {
        final int max = destination.getHttpClient().getMaxConnectionsPerDestination();
        final Origin.Protocol protocol = destination.getOrigin().getProtocol();
        if (protocol != null && (protocol.getProtocols().contains("h2") || protocol.getProtocols().contains("h2c"))) {
            return new MultiplexConnectionPool(destination, max, H2_STREAMS_EXPECTED);
        }
        return new DuplexConnectionPool(destination, max);
    }

    /** A protocol whose connections are reported to the tracker. */
    private static final class Observed extends ClientConnectionFactory.Info {

        private final ClientConnectionFactory.Info protocol;
        private final ClientConnectionFactory factory;

        Observed(ClientConnectionFactory.Info protocol, OriginConnections connections) {
            super(protocol.getClientConnectionFactory());
            this.protocol = protocol;
            this.factory = (endPoint, context) -> observe(protocol.getClientConnectionFactory()
                    .newConnection(endPoint, context), context, connections);
        }

        @Override
        public List<String> getProtocols(boolean secure) {
            return protocol.getProtocols(secure);
        }

        @Override
        public ClientConnectionFactory getClientConnectionFactory() {
            return factory;
        }

        @Override
        public Transport getTransport() {
            return protocol.getTransport();
        }

        @Override
        public void upgrade(EndPoint endPoint, Map<String, Object> context) {
            protocol.upgrade(endPoint, context);
        }
    }

    private static Connection observe(Connection connection, Map<String, Object> context,
                                      OriginConnections connections) throws IOException {
        if (context.get(Destination.CONTEXT_KEY) instanceof Destination destination) {
            final Origin.Address address = destination.getOrigin().getAddress();
            final String host = unbracketed(address.getHost());
            final int port = address.getPort();
            connection.addEventListener(new Connection.Listener() {
                @Override
                public void onOpened(Connection opened) {
                    connections.opened(host, port);
                }

                @Override
                public void onClosed(Connection closed) {
                    connections.closed(host, port);
                }
            });
        }
        return connection;
    }

    // Request URIs carry IPv6 literals in brackets; decisions name the bare address.
    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
