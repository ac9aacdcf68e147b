package dev.fulcrum.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC origin on 127.0.0.1 (grpc-java's own Netty server, h2c), serving the service {@value #SERVICE}
 * without generated code: each method is a hand-written {@link MethodDescriptor} whose messages are UTF-8 strings.
 *
 * <ul>
 *   <li>{@link #SAY} (unary): answers {@code NAME:message}; the message {@code sleep:MILLIS} answers after that
 *       long (for deadlines), {@code fail:TEXT} fails with {@code INVALID_ARGUMENT} and that description;</li>
 *   <li>{@link #COUNT} (server streaming): for {@code N}, answers {@code NAME:1} … {@code NAME:N}, each after
 *       {@code pauseMillis}; {@code N} of 0 never ends (for killing the origin mid-stream);</li>
 *   <li>{@link #JOIN} (client streaming): answers {@code NAME:} and every message received, joined by commas;</li>
 *   <li>{@link #CHAT} (bidirectional): answers each message with {@code NAME:message} as it comes.</li>
 * </ul>
 */
public final class GrpcOrigin implements AutoCloseable {

    public static final String SERVICE = "fulcrum.test.Echo";

    /** A UTF-8 string as a gRPC message. */
    public static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    public static final MethodDescriptor<String, String> SAY = method("Say", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<String, String> COUNT =
            method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<String, String> JOIN =
            method("Join", MethodDescriptor.MethodType.CLIENT_STREAMING);
    public static final MethodDescriptor<String, String> CHAT = method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);

    private final String name;
    private final long pauseMillis;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final Server server;

    private GrpcOrigin(String name, long pauseMillis) throws IOException {
        this.name = name;
        this.pauseMillis = pauseMillis;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service()).build().start();
    }

    /** Starts an origin named {@code name}; server-streaming answers follow each other without a pause. */
    public static GrpcOrigin start(String name) throws IOException {
        return new GrpcOrigin(name, 0);
    }

    /** Starts an origin whose server-streaming answers come {@code pauseMillis} apart. */
    public static GrpcOrigin start(String name, long pauseMillis) throws IOException {
        return new GrpcOrigin(name, pauseMillis);
    }

    private static MethodDescriptor<String, String> method(String method, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    /**
     * A plaintext (h2c, prior knowledge) channel to {@code port} on 127.0.0.1 whose calls name {@code authority}
     * (e.g. a load balancer's host) in {@code :authority}. The caller shuts it down.
     */
    public static ManagedChannel channel(int port, String authority) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).overrideAuthority(authority).usePlaintext().build();
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getPort();
    }

    /** How many calls reached this origin. */
    public int calls() {
        return calls.get();
    }

    /** How many {@link #COUNT} calls were cancelled while they streamed (the peer reset them, or a kill). */
    public int cancelled() {
        return cancelled.get();
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(SAY, ServerCalls.asyncUnaryCall(this::say))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall(this::count))
                .addMethod(JOIN, ServerCalls.asyncClientStreamingCall(this::join))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(this::chat))
                .build();
    }

    private void say(String message, StreamObserver<String> answer) {
        calls.incrementAndGet();
        if (message.startsWith("fail:")) {
            answer.onError(Status.INVALID_ARGUMENT.withDescription(message.substring(5)).asRuntimeException());
            return;
        }
        if (message.startsWith("sleep:")) {
            pause(Long.parseLong(message.substring(6)));
        }
        answer.onNext(name + ':' + message);
        answer.onCompleted();
    }

    private void count(String n, StreamObserver<String> answers) {
        calls.incrementAndGet();
        final int count = Integer.parseInt(n);
        for (int i = 1; count == 0 || i <= count; i++) {
            if (pauseMillis > 0) {
                pause(pauseMillis);
            }
            // The call's context is cancelled at once by the transport; the observer learns of it only once this
            // handler returns (its listener runs on the call's executor, which this loop holds).
            if (Context.current().isCancelled()) {
                cancelled.incrementAndGet();
                return;
            }
            try {
                answers.onNext(name + ':' + i);
            } catch (RuntimeException e) {
                cancelled.incrementAndGet();
                return; // the call was cancelled (the client left, or the server is stopping)
            }
            if (count == 0 && i >= 100_000) {
                return; // bounded even when it never ends by itself
            }
        }
        answers.onCompleted();
    }

    private StreamObserver<String> join(StreamObserver<String> answer) {
        calls.incrementAndGet();
        final List<String> received = new ArrayList<>();
        return new StreamObserver<>() {
            @Override
            public void onNext(String message) {
                received.add(message);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                answer.onNext(name + ':' + String.join(",", received));
                answer.onCompleted();
            }
        };
    }

    private StreamObserver<String> chat(StreamObserver<String> answers) {
        calls.incrementAndGet();
        return new StreamObserver<>() {
            @Override
            public void onNext(String message) {
                answers.onNext(name + ':' + message);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                answers.onCompleted();
            }
        };
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What {@link #collecting} adds once the answer completed. */
    public static final Object COMPLETED = new Object();

    /** A client's observer of one answer: completes {@code answer} with it (null: none), or with the call's error. */
    public static StreamObserver<String> single(CompletableFuture<String> answer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.complete(null);
            }
        };
    }

    /** A client's observer adding each answer to {@code answers}, then the error or {@link #COMPLETED}. */
    public static StreamObserver<String> collecting(BlockingQueue<Object> answers) {
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
                answers.add(t);
            }

            @Override
            public void onCompleted() {
                answers.add(COMPLETED);
            }
        };
    }

    /** A client-streaming {@link #JOIN} call sending {@code messages}: its answer, within 20 s. */
    public static String join(Channel channel, List<String> messages) throws Exception {
        final CompletableFuture<String> joined = new CompletableFuture<>();
        final StreamObserver<String> join = ClientCalls.asyncClientStreamingCall(
                channel.newCall(JOIN, CallOptions.DEFAULT), single(joined));
        messages.forEach(join::onNext);
        join.onCompleted();
        return joined.get(20, TimeUnit.SECONDS);
    }

    /**
     * A bidirectional {@link #CHAT} call that sends each of {@code messages} only once the answer to the one before
     * came (10 s each at most): what came back after each, then after the end ({@link #COMPLETED}, an error, or null
     * for nothing).
     */
    public static List<Object> chat(Channel channel, List<String> messages) throws InterruptedException {
        final LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        final StreamObserver<String> chat = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(CHAT, CallOptions.DEFAULT), collecting(answers));
        final List<Object> seen = new ArrayList<>();
        for (String message : messages) {
            chat.onNext(message);
            seen.add(answers.poll(10, TimeUnit.SECONDS));
        }
        chat.onCompleted();
        seen.add(answers.poll(10, TimeUnit.SECONDS));
        return seen;
    }

    /** Stops at once, cutting every call in progress (an origin killed mid-stream). */
    public void kill() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
