package dev.fulcrum.war;

import dev.fulcrum.servlet.BlockingServletClient;
import dev.fulcrum.upstream.TunnelConnection;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.HttpStream;

import java.io.IOException;
import java.util.Locale;

/**
 * Picks how {@link FulcrumProxyServlet} switches a WebSocket client connection, by what the container lets it see.
 * It names no Jetty server type outside {@link Jetty}, which is loaded only where Jetty's server classes are visible,
 * so it loads in any container.
 */
final class ServletUpgrades {

    private ServletUpgrades() {
    }

    /**
     * Jetty's upgrade when the servlet runs in Jetty with its server classes visible (an embedded Jetty), the servlet
     * API's in other containers (Tomcat), and none (null) in a Jetty that hides its classes from the web application
     * (the WAR in jetty-home), where the servlet API's upgrade would never read from the client.
     */
    static BlockingServletClient.Upgrade choose(ClassLoader loader, String serverInfo) {
        if (visible(loader, "org.eclipse.jetty.ee10.servlet.ServletContextRequest")
            && visible(loader, "org.eclipse.jetty.server.HttpStream")) {
            return Jetty.UPGRADE;
        }
        final boolean jetty = serverInfo != null && serverInfo.toLowerCase(Locale.ROOT).startsWith("jetty");
        return jetty ? null : BlockingServletClient.SERVLET_UPGRADE;
    }

    private static boolean visible(ClassLoader loader, String className) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Jetty's own way, as its WebSocket server does it: the client's end point gets a {@link TunnelConnection}
     * through the {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE} request attribute, installed once the 101 is sent.
     * Why not {@code HttpServletRequest.upgrade}: in Jetty 12.1 the upgraded input stream of a GET reports its end at
     * once (the request had no body), so a servlet-API tunnel would never read what the client sends.
     */
    private static final class Jetty {

        static final BlockingServletClient.Upgrade UPGRADE = Jetty::upgrade;

        private static void upgrade(HttpServletRequest request, HttpServletResponse response,
                                     TunnelConnection origin) throws IOException, ServletException {
            final ServletContextRequest core = ServletContextRequest.getServletContextRequest(request);
            if (core == null) {
                BlockingServletClient.SERVLET_UPGRADE.upgrade(request, response, origin);
                return;
            }
            core.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, TunnelConnection.clientEnd(
                    core.getConnectionMetaData().getConnection().getEndPoint(), core.getComponents().getExecutor(),
                    origin));
        }
    }
}
