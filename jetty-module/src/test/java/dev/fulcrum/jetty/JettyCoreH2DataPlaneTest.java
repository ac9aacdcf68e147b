package dev.fulcrum.jetty;

import dev.fulcrum.testing.H2DataPlaneContract;
import dev.fulcrum.testing.HostUnderTest;

/** The data-plane contract over HTTP/2 (h2c) on embedded Jetty with {@link FulcrumProxyHandler}. */
class JettyCoreH2DataPlaneTest extends H2DataPlaneContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }
}
