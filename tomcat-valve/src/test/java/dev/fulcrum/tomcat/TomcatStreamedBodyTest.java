package dev.fulcrum.tomcat;

import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.StreamedBodyContract;

/** 1 MiB answers through {@link FulcrumValve} (async mode, in front of a webapp) without a copy into the heap. */
class TomcatStreamedBodyTest extends StreamedBodyContract {

    @Override
    protected HostUnderTest newHost() {
        return new TomcatHost(true);
    }

    @Override
    protected String[] hostThreads() {
        return new String[] {"http-nio"};
    }
}
