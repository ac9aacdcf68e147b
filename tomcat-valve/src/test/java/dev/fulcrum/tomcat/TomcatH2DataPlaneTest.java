package dev.fulcrum.tomcat;

import dev.fulcrum.testing.H2DataPlaneContract;
import dev.fulcrum.testing.HostUnderTest;

/**
 * The data-plane contract over HTTP/2 (h2c, Tomcat's {@code Http2Protocol}) on embedded Tomcat with
 * {@link FulcrumValve} in front of a webapp.
 */
class TomcatH2DataPlaneTest extends H2DataPlaneContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(true);
    }
}
