package dev.fulcrum.tomcat;

import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.WebSocketContract;

/** WebSockets through the valve on embedded Tomcat, with no webapp (the connector's upgrade). */
class TomcatWithoutWebappWebSocketTest extends WebSocketContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(false);
    }
}
