package dev.fulcrum.jetty;

import dev.fulcrum.testing.DataPlaneContract;
import dev.fulcrum.testing.HostUnderTest;

/** The data-plane contract on embedded Jetty, with {@link FulcrumProxyServlet} as the only servlet (the WAR). */
class JettyDataPlaneTest extends DataPlaneContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.servlet();
    }
}
