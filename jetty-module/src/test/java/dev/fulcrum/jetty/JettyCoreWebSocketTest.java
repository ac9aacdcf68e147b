package dev.fulcrum.jetty;

import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.WebSocketContract;

/** WebSockets through {@link FulcrumProxyHandler}, the Jetty-core handler of the standalone and the module. */
class JettyCoreWebSocketTest extends WebSocketContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }
}
