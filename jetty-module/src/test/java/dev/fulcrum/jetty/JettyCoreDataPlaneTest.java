package dev.fulcrum.jetty;

import dev.fulcrum.testing.DataPlaneContract;
import dev.fulcrum.testing.HostUnderTest;

/** The data-plane contract on embedded Jetty with {@link FulcrumProxyHandler} as the server's handler. */
class JettyCoreDataPlaneTest extends DataPlaneContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }
}
