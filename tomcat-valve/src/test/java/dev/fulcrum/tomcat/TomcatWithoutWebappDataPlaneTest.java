package dev.fulcrum.tomcat;

import dev.fulcrum.testing.DataPlaneContract;
import dev.fulcrum.testing.HostUnderTest;

/**
 * The data-plane contract on embedded Tomcat with no webapp at all: Tomcat maps no Context, servlet async is not
 * available, and the valve forwards in its blocking mode. Unknown hosts get Tomcat's own 404.
 */
class TomcatWithoutWebappDataPlaneTest extends DataPlaneContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(false);
    }
}
