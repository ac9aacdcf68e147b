package dev.fulcrum.testing;

import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.upstream.UpstreamSettings;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * gRPC through a host, with grpc-java's own client (h2c to the host) and server ({@link GrpcOrigin}, h2c origin): the
 * four call types streamed both ways with the origin's trailers passed on, deadlines, an origin killed mid-stream,
 * and failures before the origin answered, which the client reads as UNAVAILABLE while the outcome is the 52x.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class GrpcContract extends HostContract {

    protected static final String LB_HOST = "grpc.example.test";

    /** Every outcome the host reported, as {@code origin outcome status}. */
    private final ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private SnapshotRouter router;
    private Pool[] pools;

    @AfterEach
    void closeChannels() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private GrpcOrigin startGrpcOrigin(String name, long pauseMillis) throws Exception {
        return closedAfterTest(GrpcOrigin.start(name, pauseMillis));
    }

    /** One load balancer on {@link #LB_HOST}: its first pool, then {@code more} for a failover across pools. */
    private ManagedChannel startLb(Pool first, Pool... more) throws Exception {
        router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(),
                (attempt, outcome, status, nanos) -> outcomes.add(attempt.originName() + ' ' + outcome + ' '
                                                                  + status));
        pools = new Pool[more.length + 1];
        pools[0] = first;
        System.arraycopy(more, 0, pools, 1, more.length);
        router.update(config(lb(LB_HOST, "off", RandomSteering.DEFAULT, new AdaptiveRouting(more.length > 0),
                pools[pools.length - 1], pools), pools));
        startHost(router, UpstreamSettings.DEFAULTS);
        final ManagedChannel channel = GrpcOrigin.channel(host.port(), LB_HOST);
        channels.add(channel);
        return channel;
    }

    private ManagedChannel startSingle(GrpcOrigin origin) throws Exception {
        return startLb(pool("p", "random", origin(origin.name(), origin.port(), 1)));
    }

    private void assertAllReported() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Pool p : pools) {
                assertThat(router.outstanding(p.id())).as("calls outstanding on " + p.name()).isZero();
            }
        });
    }

    @Test
    void unaryCallsPassTheOriginsStatusAndTrailers() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 0);
        final ManagedChannel channel = startSingle(g);

        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT, "hi"))
                .as("the OK status comes in the origin's trailers").isEqualTo("g:hi");
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT,
                "fail:no such thing 100%")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("no such thing 100%");
                });

        assertThat(g.calls()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 2);
        assertThat(outcomes).containsOnly("g RESPONDED 200");
    }

    @Test
    void serverStreamingArrivesMessageByMessage() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 0);
        final ManagedChannel channel = startSingle(g);

        final List<String> counted = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(channel, GrpcOrigin.COUNT, CallOptions.DEFAULT, "500")
                .forEachRemaining(counted::add);

        assertThat(counted).hasSize(500).startsWith("g:1", "g:2").endsWith("g:500");
    }

    @Test
    void clientStreamingSendsEveryMessage() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 0);
        final ManagedChannel channel = startSingle(g);

        final List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add("m" + i);
        }

        assertThat(GrpcOrigin.join(channel, sent)).isEqualTo("g:" + String.join(",", sent));
    }

    /** Each answer arrives before the next message is sent: nothing waits for the whole of either body. */
    @Test
    void bidirectionalStreamingInterleaves() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 0);
        final ManagedChannel channel = startSingle(g);

        final List<String> sent = new ArrayList<>();
        final List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add("m" + i);
            expected.add("g:m" + i);
        }
        expected.add(GrpcOrigin.COMPLETED);

        assertThat(GrpcOrigin.chat(channel, sent)).containsExactlyElementsOf(expected);
    }

    @Test
    void aDeadlineExceededEndsTheCallAtTheOriginToo() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 0);
        final ManagedChannel channel = startSingle(g);

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY,
                CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), "sleep:3000"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

        assertAllReported();
        // The channel and the proxy still serve the next call.
        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT, "after"))
                .isEqualTo("g:after");
    }

    /** A call the client cancels (a reset of its stream) is cancelled at the origin too, and reported. */
    @Test
    void aClientCancelCancelsTheOriginsCall() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 20);
        final ManagedChannel channel = startSingle(g);

        final ClientCall<String, String> call = channel.newCall(GrpcOrigin.COUNT, CallOptions.DEFAULT);
        final Iterator<String> counted = ClientCalls.blockingServerStreamingCall(call, "0");
        assertThat(counted.next()).isEqualTo("g:1");
        assertThat(counted.next()).isEqualTo("g:2");
        call.cancel("the client gives up", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> g.cancelled() == 1);
        assertAllReported();
        // The channel and the proxy still serve the next call.
        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT, "after"))
                .isEqualTo("g:after");
    }

    @Test
    void anOriginKilledMidStreamEndsTheCallUnavailable() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 20);
        final ManagedChannel channel = startSingle(g);

        final Iterator<String> counted = ClientCalls.blockingServerStreamingCall(channel, GrpcOrigin.COUNT,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "0");
        assertThat(counted.next()).isEqualTo("g:1");
        assertThat(counted.next()).isEqualTo("g:2");
        g.kill();

        assertThatThrownBy(() -> counted.forEachRemaining(m -> { }))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.UNAVAILABLE));
        await().atMost(Duration.ofSeconds(10)).until(() -> !outcomes.isEmpty());
        assertThat(outcomes).containsExactly("g EXCHANGE_FAILED 200");
    }

    @Test
    void aRefusedOriginIsUnavailableToTheClientAnd521InTheOutcome() throws Exception {
        final ManagedChannel channel = startLb(pool("down", "random", origin("refused", refusedPort(), 1)));

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT, "hi"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).contains("error code: 521");
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> !outcomes.isEmpty());
        assertThat(outcomes).containsExactly("refused CONNECT_FAILED 521");
    }

    @Test
    void failsOverBeforeTheFirstByteWhateverTheCallType() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 0);
        final Pool down = pool("down", "random", origin("refused", refusedPort(), 1));
        final Pool up = pool("up", "random", origin(g.name(), g.port(), 1));
        final ManagedChannel channel = startLb(down, up);

        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT, "hi"))
                .isEqualTo("g:hi");
        // A streamed request body no attempt has read yet goes to the next origin whole.
        assertThat(GrpcOrigin.join(channel, List.of("a", "b"))).isEqualTo("g:a,b");

        assertThat(g.calls()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 4);
        assertThat(outcomes).containsExactlyInAnyOrder("refused CONNECT_FAILED 521", "g RESPONDED 200",
                "refused CONNECT_FAILED 521", "g RESPONDED 200");
        assertAllReported();
    }

    /** Calls share HTTP/2 connections to the origin, kept open between them as HTTP/1.1 ones are. */
    @Test
    void callsAreMultiplexedOnKeptAliveConnections() throws Exception {
        final GrpcOrigin g = startGrpcOrigin("g", 0);
        final ManagedChannel channel = startSingle(g);

        final List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            final CompletableFuture<String> answer = new CompletableFuture<>();
            ClientCalls.asyncUnaryCall(channel.newCall(GrpcOrigin.SAY, CallOptions.DEFAULT), "sleep:200",
                    GrpcOrigin.single(answer));
            calls.add(answer);
        }
        for (CompletableFuture<String> call : calls) {
            assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo("g:sleep:200");
        }
        final OriginConnections connections = router.connections();
        final int open = connections.open("127.0.0.1", g.port());
        assertThat(open).as("20 concurrent calls on few connections").isBetween(1, 2);

        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT, "again"))
                .isEqualTo("g:again");
        assertThat(connections.open("127.0.0.1", g.port())).as("the same connections, still open").isEqualTo(open);
    }
}
