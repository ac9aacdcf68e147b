package dev.fulcrum.tomcat;

import dev.fulcrum.testing.NodeUnderTest;
import dev.fulcrum.testing.SmugglingContract;

/** The smuggling contract on the Tomcat valve, in front of a webapp of the host's own. */
class TomcatSmugglingTest extends SmugglingContract {

    @Override
    protected NodeUnderTest newNode() {
        return new TomcatValveNode();
    }
}
