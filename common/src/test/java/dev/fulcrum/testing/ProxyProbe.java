package dev.fulcrum.testing;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;

/**
 * Heap allocated by a host's proxy path per proxied request (BENCHMARKS.md, "Allocation and contention"): the host in
 * front of an in-process origin answering GETs with a fixed body, a keep-alive client sending {@code --requests} of
 * them, {@code --in-flight} at a time. Only the proxy's threads are counted (the host's and {@code fulcrum-upstream*},
 * by name): the origin and the client run on pools of their own. With {@code --jfr FILE} it also records allocation
 * samples (and with {@code --contention}, monitor waits, parks and CPU samples) during the measured run, and prints
 * the heaviest stacks of the proxy's threads. Each host's test sources have a main that calls {@link #run}.
 */
public final class ProxyProbe {

    static final String LB_HOST = "lb.example.test";

    private final String[] proxyThreads;

    private ProxyProbe(String[] proxyThreads) {
        this.proxyThreads = proxyThreads;
    }

    /**
     * Runs the probe on {@code host} with the command-line {@code args} (BENCHMARKS.md).
     *
     * @param proxyThreads the name prefixes of the host's threads; {@code fulcrum-upstream} is added
     */
    public static void run(String[] args, HostUnderTest host, String... proxyThreads) throws Exception {
        new ProxyProbe(withUpstream(proxyThreads)).run(args, host);
    }

    /** A host's thread name prefixes and the upstream client's: all the threads of the proxy path. */
    static String[] withUpstream(String... hostThreads) {
        final String[] threads = java.util.Arrays.copyOf(hostThreads, hostThreads.length + 1);
        threads[hostThreads.length] = "fulcrum-upstream";
        return threads;
    }

    private void run(String[] args, HostUnderTest host) throws Exception {
        final Map<String, String> options = options(args);
        final int size = Integer.parseInt(options.getOrDefault("size", "1024"));
        final int requests = Integer.parseInt(options.getOrDefault("requests", "100000"));
        final int warmup = Integer.parseInt(options.getOrDefault("warmup", String.valueOf(requests)));
        final int inFlight = Integer.parseInt(options.getOrDefault("in-flight", "4"));
        final String jfr = options.get("jfr");
        final boolean contention = options.containsKey("contention");
        final int stacks = Integer.parseInt(options.getOrDefault("stacks", "25"));
        final int depth = Integer.parseInt(options.getOrDefault("depth", "8"));
        if (options.containsKey("analyse")) {
            // A recording of an earlier run, read again with other options (e.g. --skip-jdk, --depth).
            report(Path.of(options.get("analyse")), requests, stacks, depth, options.containsKey("skip-jdk"));
            return;
        }
        // --upstream-client httpclient: Jetty's client for every exchange instead of the origin links.
        final boolean links = !"httpclient".equals(options.getOrDefault("upstream-client", "link"));
        try (Rig rig = Rig.start(size, host, links)) {
            rig.run(warmup, inFlight);
            final ThreadAllocation proxy = ThreadAllocation.ofThreadsNamed(proxyThreads).mark();
            // For scale: a bare Jetty server answering the same GETs, and a Jetty client sending them.
            final ThreadAllocation origin = ThreadAllocation.ofThreadsNamed("probe-origin").mark();
            final ThreadAllocation client = ThreadAllocation.ofThreadsNamed("probe-client").mark();
            final Recording recording = jfr == null ? null : record(contention);
            final long took = rig.run(requests, inFlight);
            final long bytes = proxy.allocatedSinceMark();
            final long cpu = proxy.cpuNanosSinceMark();
            System.out.printf("%d requests of %d body bytes, %d in flight, %d ms: %.0f bytes allocated per request"
                              + " on the proxy's threads, %.1f µs CPU per request%n", requests, size, inFlight, took,
                    (double) bytes / requests, cpu / 1000.0 / requests);
            System.out.printf("for scale, per request: the origin (bare Jetty server) %.0f bytes, the client (Jetty"
                              + " HttpClient) %.0f bytes%n", (double) origin.allocatedSinceMark() / requests,
                    (double) client.allocatedSinceMark() / requests);
            if (recording != null) {
                recording.stop();
                final Path file = Path.of(jfr);
                recording.dump(file);
                recording.close();
                report(file, requests, stacks, depth, options.containsKey("skip-jdk"));
            }
        }
    }

    private static Recording record(boolean contention) {
        final Recording recording = new Recording();
        recording.enable("jdk.ObjectAllocationSample").with("throttle", "20000/s").withStackTrace();
        if (contention) {
            recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
            recording.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10)).withStackTrace();
        }
        recording.start();
        return recording;
    }

    /** The heaviest stacks per event type among the proxy's threads: sampled bytes, or waits and their time. */
    private void report(Path file, int requests, int stacks, int depth, boolean skipJdk) throws Exception {
        final Map<String, Map<String, long[]>> byType = new HashMap<>();
        final Map<String, long[]> samplesByThread = new HashMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            final String thread = event.getEventType().getName().equals("jdk.ExecutionSample")
                ? event.getThread("sampledThread").getJavaName()
                : event.getThread("eventThread") == null ? null : event.getThread("eventThread").getJavaName();
            if (!proxyThread(thread)) {
                continue;
            }
            final String type = event.getEventType().getName();
            final String key;
            final long weight;
            if ("jdk.ExecutionSample".equals(type)) {
                // Which of the proxy's threads run the requests: pools by name, without their numbers.
                final String pool = event.getThread("sampledThread").getJavaName().replaceAll("[0-9]+", "#");
                samplesByThread.computeIfAbsent(pool, t -> new long[1])[0]++;
                key = stack(event.getStackTrace(), depth, skipJdk);
                weight = 1;
            } else if ("jdk.ObjectAllocationSample".equals(type)) {
                key = event.getClass("objectClass").getName() + " <- " + stack(event.getStackTrace(), depth, skipJdk);
                weight = event.getLong("weight");
            } else {
                key = stack(event.getStackTrace(), depth, skipJdk);
                weight = event.getDuration().toNanos();
            }
            final long[] sum = byType.computeIfAbsent(type, t -> new HashMap<>()).computeIfAbsent(key,
                    k -> new long[2]);
            sum[0] += weight;
            sum[1]++;
        }
        if (!samplesByThread.isEmpty()) {
            System.out.printf("%n== CPU samples of the proxy's threads, by pool: %s%n", samplesByThread.entrySet()
                    .stream().map(e -> e.getKey() + "=" + e.getValue()[0]).sorted().toList());
        }
        for (Map.Entry<String, Map<String, long[]>> type : byType.entrySet()) {
            final boolean allocation = "jdk.ObjectAllocationSample".equals(type.getKey());
            long total = 0;
            long count = 0;
            for (long[] sum : type.getValue().values()) {
                total += sum[0];
                count += sum[1];
            }
            System.out.printf("%n== %s: %d events, %s%n", type.getKey(), count, allocation
                    ? String.format("%.0f sampled bytes per request", (double) total / requests)
                    : String.format("%.1f µs per request, %.2f events per request", total / 1e3 / requests,
                    (double) count / requests));
            final List<Map.Entry<String, long[]>> sorted = new ArrayList<>(type.getValue().entrySet());
            sorted.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
            for (Map.Entry<String, long[]> site : sorted.subList(0, Math.min(stacks, sorted.size()))) {
                System.out.printf("%5.1f %% %s%n", 100.0 * site.getValue()[0] / total,
                        site.getKey().replace(" | ", "\n          "));
            }
        }
    }

    private boolean proxyThread(String name) {
        for (String prefix : proxyThreads) {
            if (name != null && name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The top {@code depth} frames; with {@code skipJdk}, from the first frame outside the JDK's own packages. */
    private static String stack(RecordedStackTrace trace, int depth, boolean skipJdk) {
        if (trace == null) {
            return "(no stack)";
        }
        final StringBuilder text = new StringBuilder();
        final List<RecordedFrame> frames = trace.getFrames();
        int first = 0;
        while (skipJdk && first < frames.size() - 1 && jdk(frames.get(first).getMethod().getType().getName())) {
            first++;
        }
        for (int i = first; i < Math.min(first + depth, frames.size()); i++) {
            final RecordedFrame frame = frames.get(i);
            text.append(i == first ? "" : " | ").append(frame.getMethod().getType().getName()).append('.')
                    .append(frame.getMethod().getName()).append(':').append(frame.getLineNumber());
        }
        return text.toString();
    }

    private static boolean jdk(String type) {
        return type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.");
    }

    private static Map<String, String> options(String[] args) {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            final String name = args[i].replaceFirst("^--", "");
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.put(name, args[++i]);
            } else {
                options.put(name, "");
            }
        }
        return options;
    }

    /** An origin, a host proxying to it and a client, on pools of their own. */
    public static final class Rig implements AutoCloseable {

        private final Server origin;
        private final UpstreamClient upstream;
        private final HostUnderTest proxy;
        private final HttpClient client;
        private final int size;

        private Rig(Server origin, UpstreamClient upstream, HostUnderTest proxy, HttpClient client, int size) {
            this.origin = origin;
            this.upstream = upstream;
            this.proxy = proxy;
            this.client = client;
            this.size = size;
        }

        /** Starts the three, the origin answering every GET with {@code size} bytes, {@code proxy} in front. */
        public static Rig start(int size, HostUnderTest proxy) throws Exception {
            return start(size, proxy, UpstreamSettings.DEFAULTS.links());
        }

        /** As {@link #start(int, HostUnderTest)}, with or without the origin links. */
        public static Rig start(int size, HostUnderTest proxy, boolean links) throws Exception {
            final Server origin = originServer(size);
            final int port = ((ServerConnector) origin.getConnectors()[0]).getLocalPort();
            final Pool p = pool("p", "random", origin("o", "127.0.0.1", port, 1));
            final SnapshotRouter router = Fixtures.router(config(lb(LB_HOST, "off", null, p), p));
            final UpstreamClient upstream = UpstreamClient.start(HostUnderTest.upstream(
                    UpstreamSettings.DEFAULTS.withLinks(links)));
            proxy.start(router, upstream);
            final QueuedThreadPool clientThreads = new QueuedThreadPool(16, 4);
            clientThreads.setName("probe-client");
            final HttpClient client = new HttpClient();
            client.setExecutor(clientThreads);
            client.start();
            return new Rig(origin, upstream, proxy, client, size);
        }

        private static Server originServer(int size) throws Exception {
            final byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) ('a' + i % 26);
            }
            final ByteBuffer body = ByteBuffer.allocateDirect(size).put(bytes).flip().asReadOnlyBuffer();
            final QueuedThreadPool threads = new QueuedThreadPool(16, 4);
            threads.setName("probe-origin");
            final Server server = new Server(threads);
            final ServerConnector connector = new ServerConnector(server, 1, 1);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(Request request, org.eclipse.jetty.server.Response response,
                                      Callback callback) {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
                    response.write(true, body.slice(), callback);
                    return true;
                }
            });
            server.start();
            return server;
        }

        /**
         * Sends {@code count} GETs, {@code inFlight} at a time, each checked for status 200 and its whole body.
         *
         * @return the milliseconds it took
         * @throws IllegalStateException if any answer was not that
         */
        public long run(int count, int inFlight) throws InterruptedException {
            final Semaphore slots = new Semaphore(inFlight);
            final CountDownLatch done = new CountDownLatch(count);
            final AtomicLong wrong = new AtomicLong();
            final String uri = "http://127.0.0.1:" + proxy.port() + "/item";
            final long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                slots.acquire();
                final long[] received = new long[1];
                client.newRequest(uri).headers(h -> h.put(HttpHeader.HOST, LB_HOST)).send(new Response.Listener() {
                    @Override
                    public void onContent(Response response, ByteBuffer content) {
                        received[0] += content.remaining();
                    }

                    @Override
                    public void onComplete(Result result) {
                        if (result.isFailed() || result.getResponse().getStatus() != 200 || received[0] != size) {
                            wrong.incrementAndGet();
                        }
                        slots.release();
                        done.countDown();
                    }
                });
            }
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("requests did not complete in 10 minutes");
            }
            if (wrong.get() > 0) {
                throw new IllegalStateException(wrong.get() + " of " + count + " answers failed or were wrong");
            }
            return (System.nanoTime() - start) / 1_000_000;
        }

        @Override
        public void close() throws Exception {
            client.stop();
            proxy.close();
            upstream.close();
            origin.stop();
        }
    }
}
