package dev.fulcrum.it;

import dev.fulcrum.testing.GrpcOrigin;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README "gRPC and HTTP/2 to origins" on an installed deliverable: grpc-java's client calls, over h2c on the plain
 * port, a grpc-java server behind a load balancer created through the API; the calls reach it over HTTP/2 (its
 * server speaks nothing else) and their status comes back in its trailers.
 */
final class GrpcCheck {

    static final String HOST = "grpc.fulcrum-grpc.test";

    private GrpcCheck() {
    }

    static void serves(Api api, int plainPort) throws Exception {
        try (GrpcOrigin origin = GrpcOrigin.start("g")) {
            api.createLoadBalancer(HOST, origin.name(), origin.port());
            final ManagedChannel channel = GrpcOrigin.channel(plainPort, HOST);
            try {
                final CallOptions within = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
                assertThat(ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, within, "hi")).isEqualTo("g:hi");
                final List<String> counted = new ArrayList<>();
                ClientCalls.blockingServerStreamingCall(channel, GrpcOrigin.COUNT, within, "3")
                        .forEachRemaining(counted::add);
                assertThat(counted).containsExactly("g:1", "g:2", "g:3");
                assertThat(origin.calls()).isEqualTo(2);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }
}
