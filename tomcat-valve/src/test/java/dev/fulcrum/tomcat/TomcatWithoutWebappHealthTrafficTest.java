package dev.fulcrum.tomcat;

import dev.fulcrum.testing.HealthTrafficContract;
import dev.fulcrum.testing.HostUnderTest;

/** Real health monitors steering traffic through embedded Tomcat without a webapp (the valve's blocking mode). */
class TomcatWithoutWebappHealthTrafficTest extends HealthTrafficContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(false);
    }
}
