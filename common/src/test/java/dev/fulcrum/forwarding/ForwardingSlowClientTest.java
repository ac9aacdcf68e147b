package dev.fulcrum.forwarding;

import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.GrpcOrigin;
import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.TestRequest;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.OriginRequestHeaders;
import dev.fulcrum.upstream.TunnelConnection;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gRPC call whose origin dies while a chunk of its answer is still being written to a slow client: the loop ends
 * the answer with UNAVAILABLE only once that write is done. Ending it during the write (a second write while one is
 * pending) is what containers answer with a stream reset, which the client reads as INTERNAL or CANCELLED rather
 * than the call's status. The client side here is the container's part only, holding each write until released.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardingSlowClientTest {

    private GrpcOrigin origin;
    private UpstreamClient upstream;

    @AfterEach
    void stop() throws Exception {
        if (origin != null) {
            origin.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anOriginFailingDuringAWriteEndsTheCallUnavailableAfterIt() throws Exception {
        origin = GrpcOrigin.start("g", 20);
        final AtomicReference<Outcome> outcome = new AtomicReference<>();
        final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(),
                (attempt, reported, status, nanos) -> outcome.set(reported));
        final var pool = pool("p", "random", origin("g", origin.port(), 1));
        router.update(config(lb("grpc.example.test", "off", pool, pool), pool));
        upstream = UpstreamClient.start(HostUnderTest.upstream(UpstreamSettings.DEFAULTS), router.connections());
        final RouteDecision.Forward decision = (RouteDecision.Forward) router.route(
                TestRequest.to("grpc.example.test").method("POST").target("/fulcrum.test.Echo/Count"));

        final SlowClient client = new SlowClient();
        Forwarding.forward(decision, client, OriginSide.over(upstream));

        final Callback first = client.writes.poll(20, TimeUnit.SECONDS);
        assertThat(first).as("the first chunk of the answer").isNotNull();
        origin.kill(); // while that chunk is still being written
        await().atMost(Duration.ofSeconds(10)).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isEqualTo(Outcome.EXCHANGE_FAILED);
        first.succeeded();

        final HttpFields trailers = client.finished.get(20, TimeUnit.SECONDS);
        assertThat(client.endedDuringWrite).as("the answer ended while a chunk was being written").isFalse();
        assertThat(trailers.get("grpc-status")).isEqualTo("14");
    }

    /** A gRPC client over HTTP/2 asking for a never-ending server stream, whose writes complete when the test says. */
    private static final class SlowClient implements ClientSide {

        final LinkedBlockingQueue<Callback> writes = new LinkedBlockingQueue<>();
        final CompletableFuture<HttpFields> finished = new CompletableFuture<>();
        volatile boolean endedDuringWrite;
        private final AtomicBoolean writing = new AtomicBoolean();
        private Forwarding forwarding;

        @Override
        public void start(Forwarding started) {
            this.forwarding = started;
        }

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public String rawPath() {
            return "/" + GrpcOrigin.SERVICE + "/Count";
        }

        @Override
        public String rawQuery() {
            return null;
        }

        @Override
        public String protocol() {
            return "HTTP/2.0";
        }

        @Override
        public long contentLength() {
            return -1;
        }

        @Override
        public String header(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? "application/grpc" : null;
        }

        @Override
        public List<String> headerValues(String name) {
            final String value = header(name);
            return value == null ? List.of() : List.of(value);
        }

        @Override
        public void copyHeaders(OriginRequestHeaders rules, HttpFields.Mutable headers) {
            headers.add("Content-Type", "application/grpc");
        }

        @Override
        public void readBody(int length) {
            throw new UnsupportedOperationException("a call's body is streamed");
        }

        /** One message, "0": count without end. */
        @Override
        public Content.Source body() {
            final byte[] message = "0".getBytes(StandardCharsets.UTF_8);
            final ByteBuffer framed = ByteBuffer.allocate(5 + message.length);
            framed.put((byte) 0).putInt(message.length).put(message).flip();
            final AsyncRequestContent body = new AsyncRequestContent((String) null);
            body.write(framed, Callback.NOOP);
            body.close();
            return body;
        }

        @Override
        public boolean sendsTrailers() {
            return true;
        }

        @Override
        public void head(ResponseHead head) {
        }

        @Override
        public void write(ByteBuffer bytes, Callback written) {
            writing.set(true);
            writes.add(Callback.from(() -> {
                writing.set(false);
                written.succeeded();
            }, written::failed));
        }

        @Override
        public void finish(HttpFields trailers) {
            endedDuringWrite |= writing.get();
            finished.complete(trailers);
        }

        @Override
        public void answer(DirectAnswer answer) {
            finished.completeExceptionally(new AssertionError("answered " + answer.status() + " after the answer began"));
        }

        @Override
        public void abort(Throwable failure) {
            endedDuringWrite |= writing.get();
            finished.completeExceptionally(failure);
        }

        @Override
        public void upgrade(ResponseHead head, TunnelConnection tunnel) {
            throw new UnsupportedOperationException();
        }
    }
}
