package dev.fulcrum.testing;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gRPC origin fixture answers grpc-java's own client directly, in the four call types and with a status. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcOriginTest {

    @Test
    void answersEveryCallTypeAndFailsWithAStatus() throws Exception {
        try (GrpcOrigin origin = GrpcOrigin.start("g")) {
            final ManagedChannel channel = GrpcOrigin.channel(origin.port(), "grpc.example.test");
            try {
                assertThat(ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT, "hi"))
                        .isEqualTo("g:hi");

                final List<String> counted = new ArrayList<>();
                ClientCalls.blockingServerStreamingCall(channel, GrpcOrigin.COUNT, CallOptions.DEFAULT, "3")
                        .forEachRemaining(counted::add);
                assertThat(counted).containsExactly("g:1", "g:2", "g:3");

                assertThat(GrpcOrigin.join(channel, List.of("a", "b"))).isEqualTo("g:a,b");
                assertThat(GrpcOrigin.chat(channel, List.of("one", "two")))
                        .containsExactly("g:one", "g:two", GrpcOrigin.COMPLETED);

                assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT,
                        "fail:no such thing")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                            assertThat(e.getStatus().getDescription()).isEqualTo("no such thing");
                        });
                assertThat(origin.calls()).isEqualTo(5);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }
}
