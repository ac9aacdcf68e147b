package dev.fulcrum.standalone;

import dev.fulcrum.testing.NodeUnderTest;
import dev.fulcrum.testing.SmugglingContract;

/** The smuggling contract on the standalone. */
class StandaloneSmugglingTest extends SmugglingContract {

    @Override
    protected NodeUnderTest newNode() {
        return new StandaloneNode();
    }
}
