package dev.fulcrum.jetty;

import dev.fulcrum.testing.GrpcContract;
import dev.fulcrum.testing.HostUnderTest;

/** gRPC through embedded Jetty with {@link FulcrumProxyHandler}: h2c from grpc-java's client, h2c to its server. */
class JettyCoreGrpcTest extends GrpcContract {

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }
}
