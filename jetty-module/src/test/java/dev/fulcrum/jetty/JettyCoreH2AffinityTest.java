package dev.fulcrum.jetty;

import dev.fulcrum.testing.H2AffinityContract;
import dev.fulcrum.testing.HostUnderTest;

/** The affinity contract over HTTP/2 (h2c) on embedded Jetty with {@link FulcrumProxyHandler}. */
class JettyCoreH2AffinityTest extends H2AffinityContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }
}
