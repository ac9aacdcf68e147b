package dev.fulcrum.tomcat;

import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.WebSocketContract;

/** WebSockets through the valve on embedded Tomcat, with a webapp (the servlet API's upgrade). */
class TomcatWebSocketTest extends WebSocketContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(true);
    }
}
