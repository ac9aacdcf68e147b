package dev.fulcrum.tomcat;

import dev.fulcrum.testing.AffinityContract;
import dev.fulcrum.testing.HostUnderTest;

/** The session affinity contract on embedded Tomcat without a webapp: the valve forwards in its blocking mode. */
class TomcatWithoutWebappAffinityTest extends AffinityContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(false);
    }
}
