package dev.fulcrum.jetty;

import dev.fulcrum.testing.HostUnderTest;

/**
 * The data-plane contract and the stalled-client check of {@link JettyNonBlockingDataPlaneTest} with
 * {@link FulcrumProxyHandler}, the upstream client's callbacks on its selector: how the standalone and the Jetty
 * module run it.
 */
class JettyCoreNonBlockingDataPlaneTest extends JettyNonBlockingDataPlaneTest {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }
}
