package dev.fulcrum.standalone;

import dev.fulcrum.testing.HostileInputContract;
import dev.fulcrum.testing.NodeUnderTest;

/** The hostile-input contract on the standalone. */
class StandaloneHostileInputTest extends HostileInputContract {

    @Override
    protected NodeUnderTest newNode() {
        return new StandaloneNode();
    }
}
