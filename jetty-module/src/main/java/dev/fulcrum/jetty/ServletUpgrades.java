package dev.fulcrum.jetty;

import dev.fulcrum.servlet.WebSocketForwarding;

import java.util.Locale;

/**
 * Picks how {@link FulcrumProxyServlet} switches a WebSocket client connection, by what the container lets it see.
 * It names no Jetty server type itself, so it loads in any container: {@link JettyUpgrade} is loaded only where
 * Jetty's server classes are visible.
 */
final class ServletUpgrades {

    private ServletUpgrades() {
    }

    /**
     * Jetty's upgrade when the servlet runs in Jetty with its server classes visible (the Jetty module, the
     * standalone), the servlet API's in other containers (Tomcat), and none (null) in a Jetty that hides its
     * classes from the servlet (the WAR in Jetty), where the servlet API's upgrade would never read from the client.
     */
    static WebSocketForwarding.Upgrade choose(ClassLoader loader, String serverInfo) {
        if (visible(loader, "org.eclipse.jetty.ee10.servlet.ServletContextRequest")
            && visible(loader, "org.eclipse.jetty.server.HttpStream")) {
            return JettyUpgrade.SERVLET;
        }
        final boolean jetty = serverInfo != null && serverInfo.toLowerCase(Locale.ROOT).startsWith("jetty");
        return jetty ? null : WebSocketForwarding.SERVLET_UPGRADE;
    }

    private static boolean visible(ClassLoader loader, String className) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
