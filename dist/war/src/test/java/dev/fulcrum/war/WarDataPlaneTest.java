package dev.fulcrum.war;

import dev.fulcrum.testing.DataPlaneContract;
import dev.fulcrum.testing.HostUnderTest;

/** The data-plane contract on embedded Jetty, with {@link FulcrumProxyServlet} as the only servlet (the WAR's layout). */
class WarDataPlaneTest extends DataPlaneContract {

    @Override
    protected HostUnderTest newHost() {
        return ServletHost.jetty();
    }
}
