package dev.fulcrum.war;

import dev.fulcrum.testing.NodeUnderTest;
import dev.fulcrum.testing.SmugglingContract;

/** The smuggling contract on the WAR, deployed in Tomcat. */
class WarSmugglingTest extends SmugglingContract {

    @Override
    protected NodeUnderTest newNode() {
        return new WarNode();
    }
}
