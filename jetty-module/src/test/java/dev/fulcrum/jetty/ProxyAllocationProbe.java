package dev.fulcrum.jetty;

import dev.fulcrum.testing.ProxyProbe;

/**
 * {@link ProxyProbe} on embedded Jetty with {@link FulcrumProxyHandler} (the standalone's proxy connector): bytes
 * allocated per proxied request, allocation sites, waits (BENCHMARKS.md, "Allocation and contention"). Not a test.
 */
public final class ProxyAllocationProbe {

    private ProxyAllocationProbe() {
    }

    public static void main(String[] args) throws Exception {
        ProxyProbe.run(args, JettyHost.core(), "jetty-host");
    }
}
