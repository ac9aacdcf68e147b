package dev.fulcrum.net;

import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves the host of a destination tagged with a {@link ConnectTo} to that tag's origin address, and names every
 * resolved address after the tag's peer name: Jetty takes the TLS peer host (the SNI and the name the certificate
 * is verified against) from the resolved {@link InetSocketAddress}'s host string, so the connection goes to the
 * origin's IP while TLS speaks for the Host value. Everything else, and a tagged request redirected to another host
 * (the tag goes along), is resolved by the delegate as it is.
 *
 * <p>Shared by the upstream client and the http/https health probes. Thread safety: as safe as the delegate.
 */
public final class ConnectToResolver implements SocketAddressResolver {

    private final SocketAddressResolver delegate;

    public ConnectToResolver(SocketAddressResolver delegate) {
        this.delegate = delegate;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        final Object destination = context == null ? null : context.get(Destination.CONTEXT_KEY);
        if (destination instanceof Destination d && d.getOrigin().getTag() instanceof ConnectTo to
                && ConnectTo.unbracket(to.uriHost()).equalsIgnoreCase(ConnectTo.unbracket(host))) {
            delegate.resolve(ConnectTo.unbracket(to.address()), port, context, new Named(to.peerName(), promise));
        } else {
            delegate.resolve(host, port, context, promise);
        }
    }

    /** Renames resolved addresses: the same IPs, carrying the peer name (no lookup: the bytes are given). */
    private record Named(String name, Promise<List<InetSocketAddress>> promise)
            implements Promise<List<InetSocketAddress>> {

        @Override
        public void succeeded(List<InetSocketAddress> addresses) {
            final List<InetSocketAddress> named = new ArrayList<>(addresses.size());
            try {
                for (final InetSocketAddress address : addresses) {
                    named.add(new InetSocketAddress(InetAddress.getByAddress(name, address.getAddress().getAddress()),
                            address.getPort()));
                }
            } catch (UnknownHostException e) {
                promise.failed(e);
                return;
            }
            promise.succeeded(named);
        }

        @Override
        public void failed(Throwable failure) {
            promise.failed(failure);
        }
    }
}
