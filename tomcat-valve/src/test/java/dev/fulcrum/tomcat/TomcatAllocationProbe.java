package dev.fulcrum.tomcat;

import dev.fulcrum.testing.ProxyProbe;

/**
 * {@link ProxyProbe} on embedded Tomcat with {@link FulcrumValve} in front of a webapp (the connector's threads are
 * named {@code http-nio-*}): bytes allocated per proxied request, allocation sites, waits and which threads run the
 * requests (BENCHMARKS.md, "Allocation and contention"). Not a test.
 */
public final class TomcatAllocationProbe {

    private TomcatAllocationProbe() {
    }

    public static void main(String[] args) throws Exception {
        ProxyProbe.run(args, new TomcatHost(true), "http-nio");
    }
}
