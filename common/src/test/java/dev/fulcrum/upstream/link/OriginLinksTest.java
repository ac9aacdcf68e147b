package dev.fulcrum.upstream.link;

import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.upstream.UpstreamErrors;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The links against real origins on loopback that answer exactly what each test scripts. */
class OriginLinksTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

    private QueuedThreadPool threads;
    private ScheduledExecutorScheduler scheduler;
    private OriginLinks links;
    private ScriptedOrigin origin;
    private final OriginConnections connections = new OriginConnections();

    @BeforeEach
    void start() throws Exception {
        threads = new QueuedThreadPool(16);
        threads.start();
        scheduler = new ScheduledExecutorScheduler("link-test-scheduler", true);
        scheduler.start();
        startLinks(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    private void startLinks(Duration readTimeout, Duration pooledIdle) {
        if (links != null) {
            links.close();
        }
        links = OriginLinks.start(1, threads, scheduler, new ArrayByteBufferPool(),
                new SocketAddressResolver.Sync(), Duration.ofSeconds(5), readTimeout, pooledIdle, 2, 3, connections);
    }

    @AfterEach
    void stop() throws Exception {
        links.close();
        if (origin != null) {
            origin.close();
        }
        scheduler.stop();
        threads.stop();
    }

    private Call send(String method) {
        return send(method, false);
    }

    private Call send(String method, boolean fresh) {
        final Call call = new Call(method);
        links.send("127.0.0.1", origin.port(), fresh, call);
        return call;
    }

    @Test
    void reusesOneConnectionForSequentialExchanges() throws Exception {
        origin = new ScriptedOrigin(n -> OK);
        for (int i = 0; i < 5; i++) {
            assertThat(send("GET").body()).isEqualTo("hello");
        }
        assertThat(origin.connections()).isEqualTo(1);
        assertThat(connections.open("127.0.0.1", origin.port())).isEqualTo(1);
        assertThat(origin.heads().get(0)).startsWith("GET /path?q=1 HTTP/1.1\r\n").contains("Host: origin.test");
    }

    @Test
    void thePoolsOfOriginsWithoutLinksAreDroppedAndWarmOnesKept() throws Exception {
        origin = new ScriptedOrigin(n -> OK);
        assertThat(send("GET").body()).isEqualTo("hello");
        final int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        // More origins than the first sweep's size, each refusing: their pools end with nothing in them.
        for (int i = 0; i < 4_200; i++) {
            final Call refused = new Call("GET");
            links.send("127.0." + (1 + i / 250) + '.' + (1 + i % 250), closedPort, false, refused);
            assertThat(refused.failure()).isNotNull();
        }
        final java.util.List<String> known = new java.util.ArrayList<>();
        links.forEachOrigin((address, port, open, idle) -> known.add(address + ':' + port + '=' + open));
        assertThat(known).hasSizeLessThan(4_096).contains("127.0.0.1:" + origin.port() + "=1");
        assertThat(send("GET").body()).isEqualTo("hello");
        assertThat(origin.connections()).as("the warm link was kept").isEqualTo(1);
    }

    @Test
    void reusesConnectionsToAJettyOrigin() throws Exception {
        final dev.fulcrum.testing.LoopbackOrigin jetty = dev.fulcrum.testing.LoopbackOrigin.start("a");
        try {
            for (int i = 0; i < 20; i++) {
                final Call call = new Call("GET");
                links.send("127.0.0.1", jetty.port(), false, call);
                assertThat(call.body()).isEqualTo("origin:a");
            }
            assertThat(jetty.connectionsOpened()).isEqualTo(1);
            final java.util.List<Call> calls = new java.util.ArrayList<>();
            for (int round = 0; round < 50; round++) {
                calls.clear();
                for (int i = 0; i < 4; i++) {
                    final Call call = new Call("GET");
                    links.send("127.0.0.1", jetty.port(), false, call);
                    calls.add(call);
                }
                for (Call call : calls) {
                    assertThat(call.body()).isEqualTo("origin:a");
                }
            }
            assertThat(jetty.connectionsOpened()).isLessThanOrEqualTo(4);
        } finally {
            jetty.close();
        }
        origin = new ScriptedOrigin(n -> OK);
    }

    @Test
    void beyondTheConnectionLimitSendsWaitForAFreeLinkAndBeyondTheQueueAreRefused() throws Exception {
        // Limits of this test's links: 2 connections, 3 waiting.
        final dev.fulcrum.testing.LoopbackOrigin slow = dev.fulcrum.testing.LoopbackOrigin.start("a")
                .delay(Duration.ofMillis(300));
        try {
            final java.util.List<Call> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                final Call call = new Call("GET");
                links.send("127.0.0.1", slow.port(), false, call);
                calls.add(call);
            }
            assertThat(calls.get(5).failure()).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
            for (Call call : calls.subList(0, 5)) {
                assertThat(call.body()).isEqualTo("origin:a");
            }
            assertThat(slow.connectionsOpened()).isEqualTo(2);
        } finally {
            slow.close();
        }
        origin = new ScriptedOrigin(n -> OK);
    }

    @Test
    void relaysChunkedAnswersWithTheirTrailers() throws Exception {
        origin = new ScriptedOrigin(n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Check: done\r\n\r\n");
        final Call call = send("GET");
        assertThat(call.body()).isEqualTo("hello world");
        assertThat(call.trailers.get("X-Check")).isEqualTo("done");
        assertThat(send("GET").body()).isEqualTo("hello world");
        assertThat(origin.connections()).isEqualTo(1);
    }

    @Test
    void aCloseDelimitedAnswerEndsAtEndOfStreamAndItsConnectionIsNotReused() throws Exception {
        origin = new ScriptedOrigin(n -> "HTTP/1.1 200 OK\r\n\r\nuntil the end" + ScriptedOrigin.CLOSE);
        assertThat(send("GET").body()).isEqualTo("until the end");
        assertThat(send("GET").body()).isEqualTo("until the end");
        assertThat(origin.connections()).isEqualTo(2);
    }

    @Test
    void headAnd204And304HaveNoBodyWhateverTheirHeadersSay() throws Exception {
        origin = new ScriptedOrigin(n -> switch (n) {
            case 0 -> "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
            case 1 -> "HTTP/1.1 204 No Content\r\n\r\n";
            default -> "HTTP/1.1 304 Not Modified\r\nContent-Length: 20\r\n\r\n";
        });
        final Call head = send("HEAD");
        assertThat(head.body()).isEmpty();
        assertThat(head.status).isEqualTo(200);
        assertThat(head.headers.get("Content-Length")).isEqualTo("1000");
        assertThat(send("GET").body()).isEmpty();
        final Call notModified = send("GET");
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.status).isEqualTo(304);
        assertThat(origin.connections()).isEqualTo(1);
    }

    @Test
    void interimAnswersAreSkippedForTheFinalOne() throws Exception {
        origin = new ScriptedOrigin(n -> "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                + "HTTP/1.1 100 Continue\r\n\r\n" + OK);
        final Call call = send("GET");
        assertThat(call.body()).isEqualTo("hello");
        assertThat(call.status).isEqualTo(200);
        assertThat(call.headers.get("Link")).isNull();
    }

    @Test
    void aPooledConnectionTheOriginClosedFailsAsStaleBeforeAnyByte() throws Exception {
        // The origin answers, then drops the connection without a word; a send racing that close fails as stale.
        origin = new ScriptedOrigin(n -> n == 1 ? ScriptedOrigin.CLOSE : OK);
        assertThat(send("GET").body()).isEqualTo("hello");
        final Call reused = send("GET");
        final Throwable failure = reused.failure();
        assertThat(reused.failedStatus).isZero();
        assertThat(UpstreamErrors.staleConnection(failure)).as(String.valueOf(failure)).isTrue();
        // A fresh connection gets the answer.
        assertThat(send("GET", true).body()).isEqualTo("hello");
        assertThat(origin.connections()).isEqualTo(2);
    }

    @Test
    void anOriginClosingMidBodyFailsTheExchangeWithItsStatus() throws Exception {
        origin = new ScriptedOrigin(n -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part" + ScriptedOrigin.CLOSE);
        final Call call = send("GET");
        final Throwable failure = call.failure();
        assertThat(failure).isInstanceOf(EOFException.class);
        assertThat(call.failedStatus).isEqualTo(200);
    }

    @Test
    void aMalformedOrOversizedHeadIsABadAnswer() throws Exception {
        origin = new ScriptedOrigin(n -> switch (n) {
            case 0 -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello";
            case 1 -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello";
            case 2 -> "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(40_000) + "\r\nContent-Length: 0\r\n\r\n";
            default -> "NOT HTTP AT ALL\r\n\r\n";
        });
        for (int i = 0; i < 4; i++) {
            final Call call = send("GET");
            final Throwable failure = call.failure();
            // Jetty's parser refuses each; an oversized head trips an assertion of Jetty's under -ea, in tests only.
            assertThat(failure).as("answer " + i).isNotNull();
            assertThat(UpstreamErrors.staleConnection(failure)).isFalse();
        }
    }

    @Test
    void anOriginSilentPastTheReadTimeoutFailsWithATimeout() throws Exception {
        startLinks(Duration.ofMillis(300), Duration.ofSeconds(30));
        origin = new ScriptedOrigin(n -> "");
        assertThat(send("GET").failure()).isInstanceOf(TimeoutException.class);
    }

    @Test
    void anIdleConnectionStaysPastTheReadTimeoutAndClosesAtThePooledLimit() throws Exception {
        startLinks(Duration.ofMillis(200), Duration.ofMillis(1200));
        origin = new ScriptedOrigin(n -> OK);
        assertThat(send("GET").body()).isEqualTo("hello");
        // Several read timeouts later it is still pooled, and reused.
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> origin.closedByPeer() == 0);
        assertThat(send("GET").body()).isEqualTo("hello");
        assertThat(origin.connections()).isEqualTo(1);
        // Idle past the limit, it is closed.
        await().atMost(Duration.ofSeconds(5)).until(() -> origin.closedByPeer() == 1);
        await().until(() -> connections.open("127.0.0.1", origin.port()) == 0);
    }

    @Test
    void sendsBufferedAndStreamedBodies() throws Exception {
        origin = new ScriptedOrigin(n -> OK);
        final Call buffered = new Call("POST");
        buffered.buffered = "abc".getBytes(StandardCharsets.UTF_8);
        links.send("127.0.0.1", origin.port(), false, buffered);
        assertThat(buffered.body()).isEqualTo("hello");
        assertThat(origin.heads().get(0)).contains("Content-Length: 3");

        final Call streamed = new Call("POST");
        streamed.streamed = Content.Source.from(BufferUtil.toBuffer("0123456789"));
        links.send("127.0.0.1", origin.port(), false, streamed);
        assertThat(streamed.body()).isEqualTo("hello");
    }

    /** Records what a link hands over. */
    private static final class Call implements OriginCall {

        final String method;
        byte[] buffered;
        Content.Source streamed;
        volatile int status;
        volatile HttpFields headers;
        volatile HttpFields trailers;
        volatile int failedStatus = -1;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<String> done = new CompletableFuture<>();

        Call(String method) {
            this.method = method;
        }

        String body() throws Exception {
            return done.get(10, TimeUnit.SECONDS);
        }

        Throwable failure() throws Exception {
            try {
                done.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                return e.getCause();
            }
            throw new AssertionError("the exchange did not fail");
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String rawPath() {
            return "/path";
        }

        @Override
        public String rawQuery() {
            return "q=1";
        }

        @Override
        public void requestHeaders(HttpFields.Mutable fields) {
            fields.put("Host", "origin.test");
        }

        @Override
        public byte[] bufferedBody() {
            return buffered;
        }

        @Override
        public Content.Source streamedBody() {
            return streamed;
        }

        @Override
        public void bodyFailed() {
        }

        @Override
        public void head(int code, HttpFields fields) {
            status = code;
            headers = fields;
        }

        @Override
        public void content(Content.Chunk chunk, Runnable demand) {
            final byte[] array = new byte[chunk.remaining()];
            chunk.getByteBuffer().get(array);
            synchronized (bytes) {
                bytes.writeBytes(array);
            }
            demand.run();
        }

        @Override
        public void complete(HttpFields trailerFields) {
            trailers = trailerFields;
            synchronized (bytes) {
                done.complete(bytes.toString(StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void failed(Throwable cause, int code) {
            failedStatus = code;
            done.completeExceptionally(cause);
        }
    }
}
