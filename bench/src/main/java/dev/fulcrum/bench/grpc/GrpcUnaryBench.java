package dev.fulcrum.bench.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gRPC unary benchmark's two programs (BENCHMARKS.md, "gRPC unary calls"; {@code bench/grpc} runs them):
 * <ul>
 *   <li>{@code origin PORT}: a grpc-java server (Netty, h2c) on 127.0.0.1 whose one unary method answers each
 *       request with its own bytes;</li>
 *   <li>{@code load --port P [--authority NAME] [--concurrency N] [--duration S] [--warmup S] [--size BYTES]}: grpc-java's
 *       client on one h2c connection to 127.0.0.1:P, N calls in flight at all times (each completion starts the
 *       next) for S seconds after a warm-up; prints calls/s, latency percentiles and failed calls.</li>
 * </ul>
 * The messages are raw bytes (no protobuf): what is measured is the path of a call, not its marshalling.
 */
public final class GrpcUnaryBench {

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("fulcrum.bench.Echo", "Echo"))
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    private GrpcUnaryBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && "origin".equals(args[0])) {
            origin(Integer.parseInt(args[1]));
        } else if (args.length >= 1 && "load".equals(args[0])) {
            load(options(Arrays.copyOfRange(args, 1, args.length)));
        } else {
            System.err.println("usage: GrpcUnaryBench origin PORT | load --port P [--authority NAME] "
                               + "[--concurrency N] [--duration S] [--warmup S] [--size BYTES]");
            System.exit(2);
        }
    }

    private static void origin(int port) throws Exception {
        final ServerServiceDefinition echo = ServerServiceDefinition.builder("fulcrum.bench.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall(GrpcUnaryBench::echo)).build();
        final Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(echo).build().start();
        System.out.println("gRPC origin ready on 127.0.0.1:" + server.getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        server.awaitTermination();
    }

    private static void echo(byte[] request, StreamObserver<byte[]> answer) {
        answer.onNext(request);
        answer.onCompleted();
    }

    private static Map<String, String> options(String[] args) {
        final Map<String, String> options = new HashMap<>(Map.of("authority", "bench.example.test",
                "concurrency", "64", "duration", "10", "warmup", "5", "size", "100"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (!options.containsKey("port")) {
            throw new IllegalArgumentException("--port is required");
        }
        return options;
    }

    private static void load(Map<String, String> options) throws Exception {
        final int concurrency = Integer.parseInt(options.get("concurrency"));
        final byte[] message = new byte[Integer.parseInt(options.get("size"))];
        final ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(options.get("port")))
                .overrideAuthority(options.get("authority")).usePlaintext().build();
        try {
            // One call first: the target answers, or the run stops before measuring anything.
            ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    message);
            run(channel, message, concurrency, Long.parseLong(options.get("warmup")));
            final Run run = run(channel, message, concurrency, Long.parseLong(options.get("duration")));
            System.out.println(run.report());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static Run run(ManagedChannel channel, byte[] message, int concurrency, long seconds)
            throws InterruptedException {
        final Run run = new Run(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds), concurrency);
        for (int i = 0; i < concurrency; i++) {
            new Caller(channel, message, run).next();
        }
        if (!run.done.await(seconds + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls still in flight a minute after the end");
        }
        run.elapsed = seconds;
        return run;
    }

    /** One measured run: when it ends, and what every caller saw. */
    private static final class Run {
        final long end;
        final CountDownLatch done;
        final List<Caller> callers = new ArrayList<>();
        final AtomicLong failed = new AtomicLong();
        volatile String failure;
        long elapsed;

        Run(long end, int callers) {
            this.end = end;
            this.done = new CountDownLatch(callers);
        }

        synchronized void add(Caller caller) {
            callers.add(caller);
        }

        String report() {
            int calls = 0;
            for (Caller caller : callers) {
                calls += caller.count;
            }
            final long[] micros = new long[calls];
            int at = 0;
            for (Caller caller : callers) {
                System.arraycopy(caller.micros, 0, micros, at, caller.count);
                at += caller.count;
            }
            Arrays.sort(micros);
            return String.format(Locale.ROOT, "calls/s %.0f  p50 %s  p90 %s  p99 %s  p99.9 %s ms  calls %d  failed %d%s",
                    calls / (double) elapsed, ms(micros, 0.50), ms(micros, 0.90), ms(micros, 0.99),
                    ms(micros, 0.999), calls, failed.get(), failure == null ? "" : "  (first: " + failure + ")");
        }

        private static String ms(long[] sorted, double quantile) {
            if (sorted.length == 0) {
                return "-";
            }
            final int index = Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1);
            return String.format(Locale.ROOT, "%.2f", sorted[Math.max(0, index)] / 1000.0);
        }
    }

    /**
     * One call in flight at a time, the next started by the completion of the one before; its latencies in its own
     * array (one caller's calls follow one another, so nothing here is shared).
     */
    private static final class Caller implements StreamObserver<byte[]> {
        private final ManagedChannel channel;
        private final byte[] message;
        private final Run run;
        long[] micros = new long[4096];
        int count;
        private long started;

        Caller(ManagedChannel channel, byte[] message, Run run) {
            this.channel = channel;
            this.message = message;
            this.run = run;
            run.add(this);
        }

        void next() {
            started = System.nanoTime();
            if (started - run.end >= 0) {
                run.done.countDown();
                return;
            }
            ClientCalls.asyncUnaryCall(channel.newCall(ECHO, CallOptions.DEFAULT), message, this);
        }

        @Override
        public void onNext(byte[] value) {
        }

        @Override
        public void onError(Throwable t) {
            if (run.failed.incrementAndGet() == 1) {
                run.failure = String.valueOf(t);
            }
            next();
        }

        @Override
        public void onCompleted() {
            if (count == micros.length) {
                micros = Arrays.copyOf(micros, count * 2);
            }
            micros[count++] = (System.nanoTime() - started) / 1000;
            next();
        }
    }
}
