package dev.fulcrum.jetty;

import dev.fulcrum.servlet.WebSocketForwarding;
import dev.fulcrum.upstream.TunnelConnection;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;

import java.io.IOException;

/**
 * Switches a Jetty client connection to a WebSocket tunnel the way Jetty's own WebSocket server does: the client's
 * end point gets a {@link TunnelConnection} through the {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE} request
 * attribute, which Jetty installs once the 101 answer is sent. Both ends are then plain Jetty connections.
 *
 * <p>Why not {@code HttpServletRequest.upgrade}: in Jetty 12.1 the upgraded input stream of a GET reports its end
 * at once (the request had no body), so a servlet-API tunnel would never read what the client sends.
 */
final class JettyUpgrade {

    private JettyUpgrade() {
    }

    /** For a core request (Fulcrum's Jetty handlers). */
    static void upgrade(Request request, TunnelConnection origin) {
        final EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        final TunnelConnection client = new TunnelConnection(endPoint, request.getComponents().getExecutor(),
                origin.getEndPoint().getIdleTimeout());
        client.attachOnOpen(origin);
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, client);
    }

    /** For {@link FulcrumProxyServlet} in Jetty; only touched where Jetty's server classes are visible. */
    static final WebSocketForwarding.Upgrade SERVLET = JettyUpgrade::upgradeServlet;

    private static void upgradeServlet(HttpServletRequest request, HttpServletResponse response,
                                       TunnelConnection origin) throws IOException, ServletException {
        final ServletContextRequest core = ServletContextRequest.getServletContextRequest(request);
        if (core == null) {
            WebSocketForwarding.SERVLET_UPGRADE.upgrade(request, response, origin);
        } else {
            upgrade(core, origin);
        }
    }
}
