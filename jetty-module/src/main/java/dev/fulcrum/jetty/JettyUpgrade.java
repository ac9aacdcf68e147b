package dev.fulcrum.jetty;

import dev.fulcrum.upstream.TunnelConnection;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;

/**
 * Switches a Jetty client connection to a WebSocket tunnel the way Jetty's own WebSocket server does: the client's
 * end point gets a {@link TunnelConnection} through the {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE} request
 * attribute, which Jetty installs once the 101 answer is sent. Both ends are then plain Jetty connections.
 */
final class JettyUpgrade {

    private JettyUpgrade() {
    }

    static void upgrade(Request request, TunnelConnection origin) {
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, TunnelConnection.clientEnd(
                request.getConnectionMetaData().getConnection().getEndPoint(),
                request.getComponents().getExecutor(), origin));
    }
}
