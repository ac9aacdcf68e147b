package dev.fulcrum.jetty;

import dev.fulcrum.testing.HostileInputContract;
import dev.fulcrum.testing.NodeUnderTest;

/** The hostile-input contract on the Jetty module: a server configured by the module's own XML. */
class JettyModuleHostileInputTest extends HostileInputContract {

    @Override
    protected NodeUnderTest newNode() {
        return new JettyModuleNode();
    }
}
