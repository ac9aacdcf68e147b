package dev.fulcrum.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * "The data plane does not notice" (issue 16): proxied requests through one load balancer at a fixed rate, first
 * quiet, then while a writer changes the configuration through the API, and the two p99s side by side.
 *
 * <p>The client is in this JVM: {@code connections} keep-alive HTTP/1.1 connections to the proxy port, each sending
 * its share of {@code rate} requests per second on a fixed schedule and recording each request's latency from its
 * scheduled start (so a stall also counts for the requests that queued behind it) in an HdrHistogram. A fixed rate
 * rather than a saturating one (as {@code wrk} would be) keeps the machine's load the same in both phases, so the
 * difference is the writes' cost to the data plane, not a throughput race with the writer. The origin is a
 * minimal keep-alive HTTP server on a loopback port of this JVM, answering 2 bytes at once.
 */
final class ProxiedLatency implements AutoCloseable {

    /** Sends one configuration write; called {@code writesPerSecond} times a second during the second phase. */
    interface Writer {
        void write(int n) throws Exception;
    }

    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"
            + "ok").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket origin;
    private final ExecutorService originThreads = Executors.newCachedThreadPool(daemon("bench-origin"));
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxiedLatency() throws IOException {
        origin = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        originThreads.execute(this::accept);
    }

    /** The origin's port on 127.0.0.1. */
    int originPort() {
        return origin.getLocalPort();
    }

    /** The quiet phase, then the phase with writes; prints both and their difference. */
    void compare(int proxyPort, String host, int seconds, int rate, int connections, int writesPerSecond,
                 Writer writer) throws Exception {
        // Unmeasured first: the JIT compiles the proxy path and the connections to the origin open.
        run(proxyPort, host, Math.max(2, seconds / 3), rate, connections);
        final Histogram quiet = run(proxyPort, host, seconds, rate, connections);
        final AtomicBoolean writing = new AtomicBoolean(true);
        final Histogram writeLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final AtomicInteger writes = new AtomicInteger();
        final ExecutorService writerThread = Executors.newSingleThreadExecutor(daemon("bench-writer"));
        final Future<?> writerDone = writerThread.submit(() -> {
            final long interval = TimeUnit.SECONDS.toNanos(1) / writesPerSecond;
            final long start = System.nanoTime();
            for (int n = 0; writing.get(); n++) {
                final long due = start + n * interval;
                sleepUntil(due);
                writer.write(n);
                writeLatency.recordValue(System.nanoTime() - due);
                writes.incrementAndGet();
            }
            return null;
        });
        final long writesStarted = System.nanoTime();
        final Histogram busy;
        try {
            busy = run(proxyPort, host, seconds, rate, connections);
        } finally {
            writing.set(false);
        }
        final double writeSeconds = (System.nanoTime() - writesStarted) / 1e9;
        writerDone.get(60, TimeUnit.SECONDS);
        writerThread.shutdown();
        System.out.printf(Locale.ROOT, "%nProxied requests through one load balancer, %,d requests/s on %d keep-alive "
                + "connections, %d s each phase:%n", rate, connections, seconds);
        System.out.println("| phase | requests | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        row("quiet", quiet);
        row(String.format(Locale.ROOT, "with %.0f writes/s (pool and LB PATCHes)", writes.get() / writeSeconds), busy);
        System.out.printf(Locale.ROOT, "p99 difference (with writes - quiet): %+.3f ms (target: within 1 ms); the "
                        + "writes' own p50 %.2f ms, p99 %.2f ms from their due time%n",
                (busy.getValueAtPercentile(99) - quiet.getValueAtPercentile(99)) / 1e6,
                writeLatency.getValueAtPercentile(50) / 1e6, writeLatency.getValueAtPercentile(99) / 1e6);
    }

    private static void row(String phase, Histogram h) {
        System.out.printf(Locale.ROOT, "| %s | %,d | %.3f | %.3f | %.3f | %.3f | %.3f |%n", phase,
                h.getTotalCount(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6,
                h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
    }

    /** {@code seconds} of requests at {@code rate} per second over {@code connections} connections. */
    private static Histogram run(int proxyPort, String host, int seconds, int rate, int connections)
            throws Exception {
        final ExecutorService clients = Executors.newFixedThreadPool(connections, daemon("bench-client"));
        try {
            final List<Future<Histogram>> parts = new ArrayList<>();
            final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            final long end = start + TimeUnit.SECONDS.toNanos(seconds);
            // Each connection sends every connections-th request of one schedule, offset by its index.
            final long interval = TimeUnit.SECONDS.toNanos(1) * connections / rate;
            for (int c = 0; c < connections; c++) {
                final long first = start + interval * c / connections;
                parts.add(clients.submit(() -> connection(proxyPort, host, first, end, interval)));
            }
            final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (Future<Histogram> part : parts) {
                all.add(part.get(seconds + 120L, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            clients.shutdownNow();
        }
    }

    private static Histogram connection(int proxyPort, String host, long first, long end, long interval)
            throws Exception {
        final Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final byte[] request = ("GET /bench HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 10_000);
            final OutputStream out = socket.getOutputStream();
            final InputStream in = new BufferedInputStream(socket.getInputStream());
            for (long due = first; due < end; due += interval) {
                sleepUntil(due);
                out.write(request);
                out.flush();
                final int status = readAnswer(in);
                if (status != 200) {
                    throw new IllegalStateException("proxied request answered " + status);
                }
                h.recordValue(System.nanoTime() - due);
            }
        }
        return h;
    }

    /** Reads one answer with a Content-Length body; returns its status. */
    private static int readAnswer(InputStream in) throws IOException {
        final String status = line(in);
        long length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            final int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("content-length")) {
                length = Long.parseLong(header.substring(colon + 1).strip());
            }
        }
        for (long skipped = 0; skipped < length; skipped++) {
            if (in.read() < 0) {
                throw new IOException("connection closed inside an answer");
            }
        }
        return Integer.parseInt(status.substring(9, 12));
    }

    private static String line(InputStream in) throws IOException {
        final StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed before an answer's end");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void sleepUntil(long due) throws InterruptedException {
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            if (left > 200_000) {
                TimeUnit.NANOSECONDS.sleep(left - 100_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void accept() {
        while (!closed.get()) {
            try {
                final Socket socket = origin.accept();
                originThreads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Answers every request head on the connection with {@link #ANSWER}; the proxy sends GETs without a body. */
    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            final InputStream in = new BufferedInputStream(socket.getInputStream());
            final OutputStream out = socket.getOutputStream();
            while (true) {
                if (line(in).isEmpty()) {
                    continue;
                }
                while (!line(in).isEmpty()) {
                    // headers: none needed
                }
                out.write(ANSWER);
                out.flush();
            }
        } catch (IOException e) {
            // the proxy closed the connection
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        final AtomicInteger n = new AtomicInteger();
        return task -> {
            final Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() throws IOException {
        closed.set(true);
        origin.close();
        originThreads.shutdownNow();
    }
}
