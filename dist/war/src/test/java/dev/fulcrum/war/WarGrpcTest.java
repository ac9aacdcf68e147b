package dev.fulcrum.war;

import dev.fulcrum.testing.GrpcContract;
import dev.fulcrum.testing.HostUnderTest;

/**
 * gRPC through embedded Jetty (ee10, h2c) with {@link FulcrumProxyServlet} as the only servlet (the WAR's layout):
 * h2c from grpc-java's client, h2c to its server.
 */
class WarGrpcTest extends GrpcContract {

    @Override
    protected HostUnderTest newHost() {
        return ServletHost.jetty();
    }
}
