package dev.fulcrum.war;

import dev.fulcrum.testing.AffinityContract;
import dev.fulcrum.testing.HostUnderTest;

/** The session affinity contract on embedded Jetty with {@link FulcrumProxyServlet}. */
class WarAffinityTest extends AffinityContract {

    @Override
    protected HostUnderTest newHost() {
        return ServletHost.jetty();
    }
}
