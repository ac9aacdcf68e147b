package dev.fulcrum.jetty;

import dev.fulcrum.testing.HealthTrafficContract;
import dev.fulcrum.testing.HostUnderTest;

/** Real health monitors steering traffic through embedded Jetty with {@link FulcrumProxyServlet}. */
class JettyHealthTrafficTest extends HealthTrafficContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.servlet();
    }
}
