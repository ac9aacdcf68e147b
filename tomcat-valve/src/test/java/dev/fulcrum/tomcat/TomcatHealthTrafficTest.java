package dev.fulcrum.tomcat;

import dev.fulcrum.testing.HealthTrafficContract;
import dev.fulcrum.testing.HostUnderTest;

/** Real health monitors steering traffic through embedded Tomcat: {@link FulcrumValve} in front of a webapp. */
class TomcatHealthTrafficTest extends HealthTrafficContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(true);
    }
}
