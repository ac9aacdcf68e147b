package dev.fulcrum.jetty;

import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.StreamedBodyContract;

/** 1 MiB answers through {@link FulcrumProxyHandler} without a copy into the heap. */
class JettyCoreStreamedBodyTest extends StreamedBodyContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }

    @Override
    protected String[] hostThreads() {
        return new String[] {"jetty-host"};
    }
}
