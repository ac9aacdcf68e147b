package dev.fulcrum.tomcat;

import dev.fulcrum.testing.GrpcContract;
import dev.fulcrum.testing.HostUnderTest;

/**
 * gRPC through embedded Tomcat 11 with {@link FulcrumValve} in front of a webapp: h2c from grpc-java's client
 * (Tomcat's {@code Http2Protocol}, set up for gRPC as README says), h2c to its server.
 */
class TomcatGrpcTest extends GrpcContract {

    @Override
    protected HostUnderTest newHost() {
        return TomcatHost.forGrpc();
    }
}
