package dev.fulcrum.tomcat;

import dev.fulcrum.testing.AffinityContract;
import dev.fulcrum.testing.HostUnderTest;

/** The session affinity contract on embedded Tomcat: {@link FulcrumValve} in front of a webapp (async mode). */
class TomcatAffinityTest extends AffinityContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(true);
    }
}
