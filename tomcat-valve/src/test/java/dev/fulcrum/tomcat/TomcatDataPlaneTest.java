package dev.fulcrum.tomcat;

import dev.fulcrum.testing.DataPlaneContract;
import dev.fulcrum.testing.HostUnderTest;

/**
 * The data-plane contract on embedded Tomcat: {@link FulcrumValve} on the Host pipeline in front of a plain webapp,
 * so forwarding runs in async mode and unknown hosts reach the webapp.
 */
class TomcatDataPlaneTest extends DataPlaneContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(true);
    }
}
