package dev.fulcrum.tomcat;

import dev.fulcrum.testing.H2AffinityContract;
import dev.fulcrum.testing.HostUnderTest;

/** The affinity contract over HTTP/2 (h2c, Tomcat's {@code Http2Protocol}) on embedded Tomcat with the valve. */
class TomcatH2AffinityTest extends H2AffinityContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(true);
    }
}
