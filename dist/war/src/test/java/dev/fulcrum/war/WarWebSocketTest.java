package dev.fulcrum.war;

import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.WebSocketContract;

/** WebSockets through {@link FulcrumProxyServlet} on embedded Jetty (Jetty's upgrade from the servlet). */
class WarWebSocketTest extends WebSocketContract {

    @Override
    protected HostUnderTest newHost() {
        return ServletHost.jetty();
    }
}
