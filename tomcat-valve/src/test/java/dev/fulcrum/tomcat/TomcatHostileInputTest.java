package dev.fulcrum.tomcat;

import dev.fulcrum.testing.HostileInputContract;
import dev.fulcrum.testing.NodeUnderTest;

/** The hostile-input contract on the Tomcat valve, with its own API listener. */
class TomcatHostileInputTest extends HostileInputContract {

    @Override
    protected NodeUnderTest newNode() {
        return new TomcatValveNode();
    }
}
