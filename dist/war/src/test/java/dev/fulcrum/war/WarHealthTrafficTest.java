package dev.fulcrum.war;

import dev.fulcrum.testing.HealthTrafficContract;
import dev.fulcrum.testing.HostUnderTest;

/** Real health monitors steering traffic through embedded Jetty with {@link FulcrumProxyServlet}. */
class WarHealthTrafficTest extends HealthTrafficContract {

    @Override
    protected HostUnderTest newHost() {
        return ServletHost.jetty();
    }
}
