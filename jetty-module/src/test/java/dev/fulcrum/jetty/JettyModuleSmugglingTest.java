package dev.fulcrum.jetty;

import dev.fulcrum.testing.NodeUnderTest;
import dev.fulcrum.testing.SmugglingContract;

/** The smuggling contract on the Jetty module: a server configured by the module's own XML. */
class JettyModuleSmugglingTest extends SmugglingContract {

    @Override
    protected NodeUnderTest newNode() {
        return new JettyModuleNode();
    }
}
