package dev.fulcrum.jetty;

import dev.fulcrum.testing.AffinityContract;
import dev.fulcrum.testing.HostUnderTest;

/** The session affinity contract on embedded Jetty with {@link FulcrumProxyHandler}. */
class JettyCoreAffinityTest extends AffinityContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }
}
