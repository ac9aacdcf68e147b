package dev.fulcrum.war;

import dev.fulcrum.testing.HostileInputContract;
import dev.fulcrum.testing.NodeUnderTest;

/** The hostile-input contract on the WAR, deployed in Tomcat. */
class WarHostileInputTest extends HostileInputContract {

    @Override
    protected NodeUnderTest newNode() {
        return new WarNode();
    }
}
