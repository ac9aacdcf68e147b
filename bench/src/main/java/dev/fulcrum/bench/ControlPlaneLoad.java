package dev.fulcrum.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane at scale (issue 16): starts the standalone jar in its own JVM, builds a large configuration
 * through the REST API from one client (keep-alive, one request at a time, as a script or Terraform would), and
 * measures what an operator of such a configuration feels: write latency at 1,000 and at the full number of pools,
 * sustained writes per second with the server's CPU per write, list and search times, {@code /metrics} scrape time
 * and size, heap and RSS, and the time to start again from the store.
 *
 * <pre>
 * mvn -q -B -o -pl dist/standalone -am package -DskipTests
 * mvn -q -B -o -pl bench -am package -DskipTests
 * java -cp bench/target/fulcrum-benchmarks.jar dev.fulcrum.bench.ControlPlaneLoad \
 *     [--pools 10000] [--lbs 5000] [--monitors 1000] [--origins 3] [--probe-writes 300] [--seconds 30] \
 *     [--jar dist/target/fulcrum-standalone.jar] [--java-opts "-Xmx2g"] [--pools-only] \
 *     [--data-plane 30 [--dp-rate 1000] [--dp-connections 4] [--dp-writes 100]]
 * </pre>
 *
 * {@code --data-plane SECONDS} adds, after the sustained writes, proxied requests through a load balancer of the
 * server at a fixed rate, quiet and then beside {@code --dp-writes} API writes per second ({@link ProxiedLatency}).
 *
 * Origins are loopback addresses on a closed port; monitors check them every hour (the longest interval), so that
 * probing, which this program does not measure, stays out of the figures. Every wait is bounded; the server is
 * stopped when the program ends.
 */
public final class ControlPlaneLoad {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]{32})\"");
    private static final String TOKEN = "control-plane-load-token-0123456789";

    private final Map<String, String> options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Path dataDir;
    private Process server;
    private String api;
    private int proxyPort;
    private String account;
    private String zone;
    private final List<String> monitors = new ArrayList<>();
    private final List<String> pools = new ArrayList<>();
    private final List<String> lbs = new ArrayList<>();

    private ControlPlaneLoad(Map<String, String> options) throws IOException {
        this.options = options;
        this.dataDir = Files.createTempDirectory("fulcrum-control-plane");
    }

    public static void main(String[] args) throws Exception {
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            final boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        final ControlPlaneLoad load = new ControlPlaneLoad(options);
        try {
            load.run();
        } finally {
            load.stopServer();
        }
    }

    private int number(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private void run() throws Exception {
        final int poolCount = number("pools", 10_000);
        final int lbCount = number("lbs", poolCount / 2);
        final int monitorCount = number("monitors", Math.max(1, poolCount / 10));
        final int origins = number("origins", 3);
        final int probeWrites = number("probe-writes", 300);
        final int seconds = number("seconds", 30);
        System.out.printf(Locale.ROOT, "java %s, %d CPUs; target: %,d pools x %d origins, %,d load balancers, "
                        + "%,d monitors; data in %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), poolCount, origins, lbCount, monitorCount, dataDir);

        final double emptyStart = startServer();
        System.out.printf(Locale.ROOT, "start, empty store: %.2f s%n", emptyStart);
        account = firstId(get("/accounts"));
        zone = firstId(send("POST", "/zones", "{\"name\":\"bench.test\",\"account\":{\"id\":\"" + account
                + "\"}}", 200));

        final Samples monitorCreate = new Samples();
        for (int i = 0; i < monitorCount; i++) {
            final long start = System.nanoTime();
            monitors.add(firstId(send("POST", base() + "/monitors", "{\"type\":\"http\",\"path\":\"/health\","
                    + "\"expected_codes\":\"2xx\",\"interval\":3600,\"description\":\"monitor-" + i + "\"}", 200)));
            monitorCreate.add(System.nanoTime() - start);
        }
        final Samples poolCreate = new Samples();
        final Map<Integer, String> probes = new LinkedHashMap<>();
        for (int i = 0; i < poolCount; i++) {
            final long start = System.nanoTime();
            pools.add(firstId(send("POST", base() + "/pools", pool(i, origins, monitors.get(i % monitorCount)),
                    200)));
            poolCreate.add(System.nanoTime() - start);
            if (i + 1 == Math.min(1_000, poolCount) || i + 1 == poolCount) {
                probes.put(i + 1, writeProbe(probeWrites));
            }
        }
        final Samples lbCreate = new Samples();
        for (int i = 0; i < lbCount; i++) {
            final long start = System.nanoTime();
            lbs.add(firstId(send("POST", "/zones/" + zone + "/load_balancers", lb(i, poolCount), 200)));
            lbCreate.add(System.nanoTime() - start);
        }
        System.out.println();
        System.out.println("| build step | count | p50 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|");
        monitorCreate.row("monitor create");
        poolCreate.row("pool create");
        lbCreate.row("load balancer create");
        System.out.println();
        System.out.println("Write probe (PATCH of a pool's description, one client, back to back), by pools stored:");
        System.out.println("| pools stored | writes | p50 ms | p99 ms | writes/s | server CPU ms/write |");
        System.out.println("|---|---|---|---|---|---|");
        probes.values().forEach(System.out::println);

        sustained(seconds, poolCount, origins);
        if (options.containsKey("data-plane")) {
            dataPlane(number("data-plane", 30), number("dp-rate", 1_000), number("dp-connections", 4),
                    number("dp-writes", 100));
        }
        reads();
        scrape();
        memory();
        final double restart = restart();
        System.out.printf(Locale.ROOT, "%nstart from the store (%,d pools, %,d load balancers): %.2f s to ready%n",
                pools.size(), lbs.size(), restart);
        scrape();
    }

    // ---- measurements --------------------------------------------------------------------------------------------

    /** PATCHes pools' descriptions back to back: the steady write, at the current size. */
    private String writeProbe(int writes) throws Exception {
        // As many unmeasured writes first, so that compiling the PATCH path is not counted as its cost.
        for (int i = 0; i < writes; i++) {
            send("PATCH", base() + "/pools/" + pools.get(i * 104_729 % pools.size()),
                    "{\"description\":\"warm-up " + i + "\"}", 200);
        }
        final Samples samples = new Samples();
        final double cpuBefore = serverCpuMillis();
        final long started = System.nanoTime();
        for (int i = 0; i < writes; i++) {
            final String id = pools.get(i * 7919 % pools.size());
            final long start = System.nanoTime();
            send("PATCH", base() + "/pools/" + id, "{\"description\":\"probe " + i + "\"}", 200);
            samples.add(System.nanoTime() - start);
        }
        final double elapsed = (System.nanoTime() - started) / 1e9;
        final double cpu = serverCpuMillis() - cpuBefore;
        return String.format(Locale.ROOT, "| %,d | %d | %.2f | %.2f | %.0f | %.2f |", pools.size(), writes,
                samples.percentile(50), samples.percentile(99), writes / elapsed, cpu / writes);
    }

    /**
     * A mix of every kind of write for {@code seconds}: create, PATCH and delete of a pool, a load balancer and a
     * monitor, in turn; the server's CPU time per write over the whole run.
     */
    private void sustained(int seconds, int poolCount, int origins) throws Exception {
        final Map<String, Samples> byKind = new LinkedHashMap<>();
        for (String kind : List.of("pool create", "pool PATCH", "pool delete", "load balancer create",
                "load balancer PATCH", "load balancer delete", "monitor create", "monitor PATCH", "monitor delete")) {
            byKind.put(kind, new Samples());
        }
        final Samples all = new Samples();
        final double cpuBefore = serverCpuMillis();
        final long started = System.nanoTime();
        final long end = started + TimeUnit.SECONDS.toNanos(seconds);
        int round = 0;
        while (System.nanoTime() < end) {
            final int n = poolCount + round;
            final String pool = firstId(timed(byKind.get("pool create"), all, "POST", base() + "/pools",
                    pool(n, origins, monitors.get(round % monitors.size()))));
            timed(byKind.get("pool PATCH"), all, "PATCH", base() + "/pools/" + pool,
                    "{\"description\":\"sustained " + round + "\"}");
            final String lb = firstId(timed(byKind.get("load balancer create"), all, "POST",
                    "/zones/" + zone + "/load_balancers", "{\"name\":\"s-" + round + ".bench.test\","
                            + "\"default_pools\":[\"" + pool + "\",\"" + pools.get(round % pools.size())
                            + "\"],\"fallback_pool\":\"" + pool + "\"}"));
            timed(byKind.get("load balancer PATCH"), all, "PATCH", "/zones/" + zone + "/load_balancers/" + lb,
                    "{\"description\":\"sustained " + round + "\"}");
            final String monitor = firstId(timed(byKind.get("monitor create"), all, "POST", base() + "/monitors",
                    "{\"type\":\"tcp\",\"port\":9,\"interval\":3600,\"description\":\"s-" + round + "\"}"));
            timed(byKind.get("monitor PATCH"), all, "PATCH", base() + "/monitors/" + monitor,
                    "{\"description\":\"sustained-" + round + "\"}");
            timed(byKind.get("load balancer delete"), all, "DELETE", "/zones/" + zone + "/load_balancers/" + lb,
                    null);
            timed(byKind.get("pool delete"), all, "DELETE", base() + "/pools/" + pool, null);
            timed(byKind.get("monitor delete"), all, "DELETE", base() + "/monitors/" + monitor, null);
            round++;
        }
        final double elapsed = (System.nanoTime() - started) / 1e9;
        final double cpu = serverCpuMillis() - cpuBefore;
        System.out.printf(Locale.ROOT, "%nSustained writes, one client, %d s: %,d writes, %.0f writes/s, server CPU "
                + "%.2f ms per write (GC included)%n", seconds, all.size(), all.size() / elapsed, cpu / all.size());
        System.out.println("| write | count | p50 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|");
        all.row("all writes");
        byKind.forEach((kind, samples) -> samples.row(kind));
    }

    /**
     * Proxied-request latency through a load balancer of this server, quiet and then beside {@code writesPerSecond}
     * API writes (PATCHes of the stored pools and load balancers, in turn): {@link ProxiedLatency}.
     */
    private void dataPlane(int seconds, int rate, int connections, int writesPerSecond) throws Exception {
        try (ProxiedLatency latency = new ProxiedLatency()) {
            final String pool = firstId(send("POST", base() + "/pools", "{\"name\":\"data-plane\",\"origins\":["
                    + "{\"name\":\"o\",\"address\":\"127.0.0.1\",\"port\":" + latency.originPort() + "}]}", 200));
            final String host = "data-plane.bench.test";
            send("POST", "/zones/" + zone + "/load_balancers", "{\"name\":\"" + host + "\",\"default_pools\":[\""
                    + pool + "\"],\"fallback_pool\":\"" + pool + "\"}", 200);
            latency.compare(proxyPort, host, seconds, rate, connections, writesPerSecond, n -> {
                if (n % 2 == 0 || lbs.isEmpty()) {
                    send("PATCH", base() + "/pools/" + pools.get(n * 7919 % pools.size()),
                            "{\"description\":\"data-plane " + n + "\"}", 200);
                } else {
                    send("PATCH", "/zones/" + zone + "/load_balancers/" + lbs.get(n * 7919 % lbs.size()),
                            "{\"description\":\"data-plane " + n + "\"}", 200);
                }
            });
        }
    }

    private String timed(Samples kind, Samples all, String method, String path, String body) throws Exception {
        final long start = System.nanoTime();
        final String answer = send(method, path, body, 200);
        final long nanos = System.nanoTime() - start;
        kind.add(nanos);
        all.add(nanos);
        return answer;
    }

    private void reads() throws Exception {
        System.out.println();
        System.out.println("| read | answer size | best ms | median ms (5 runs) |");
        System.out.println("|---|---|---|---|");
        read("list pools (one page)", base() + "/pools");
        read("list monitors (one page)", base() + "/monitors");
        read("list load balancers of the zone (one page)", "/zones/" + zone + "/load_balancers");
        read("search page, no query (per_page 25)", base() + "/search?per_page=25&page=3");
        read("search page, query (per_page 25)", base() + "/search?query=pool-12&per_page=25");
        read("search page with references=*", base() + "/search?query=pool-12&per_page=25&references=*");
        read("pool references", base() + "/pools/" + pools.get(0) + "/references");
    }

    private void read(String what, String path) throws Exception {
        final Samples samples = new Samples();
        int size = 0;
        for (int i = 0; i < 5; i++) {
            final long start = System.nanoTime();
            size = send("GET", path, null, 200).length();
            samples.add(System.nanoTime() - start);
        }
        System.out.printf(Locale.ROOT, "| %s | %,d B | %.1f | %.1f |%n", what, size, samples.percentile(0),
                samples.percentile(50));
    }

    private void scrape() throws Exception {
        final Samples samples = new Samples();
        int size = 0;
        int series = 0;
        for (int i = 0; i < 5; i++) {
            final HttpRequest request = HttpRequest.newBuilder(URI.create(root() + "/metrics"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60)).GET().build();
            final long start = System.nanoTime();
            final HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            samples.add(System.nanoTime() - start);
            size = answer.body().length();
            series = (int) answer.body().lines().filter(l -> !l.isEmpty() && l.charAt(0) != '#').count();
        }
        System.out.printf(Locale.ROOT, "%n/metrics: %,d series, %,d bytes; scrape best %.0f ms, median %.0f ms%n",
                series, size, samples.percentile(0), samples.percentile(50));
    }

    private void memory() throws Exception {
        final long pid = server.pid();
        final boolean collected = run("jcmd", Long.toString(pid), "GC.run");
        final String metrics = http.send(HttpRequest.newBuilder(URI.create(root() + "/metrics"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
        double heap = 0;
        final Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E+]+)")
                .matcher(metrics);
        while (m.find()) {
            heap += Double.parseDouble(m.group(1));
        }
        String rss = "?";
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = line.substring(6).strip();
            }
        }
        System.out.printf(Locale.ROOT, "%nheap used%s: %.0f MB; RSS %s%n", collected ? " after a full GC" : "",
                heap / 1e6, rss);
    }

    private double restart() throws Exception {
        stopServer();
        return startServer();
    }

    // ---- the server ----------------------------------------------------------------------------------------------

    /** Starts the standalone jar on free loopback ports; returns the seconds until it printed its ready line. */
    private double startServer() throws Exception {
        proxyPort = freePort();
        final int apiPort = freePort();
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Arrays.asList(options.getOrDefault("java-opts", "").split(" +")));
        command.removeIf(String::isEmpty);
        command.addAll(List.of("-jar", options.getOrDefault("jar", "dist/target/fulcrum-standalone.jar"),
                "--data-dir", dataDir.toString(), "--api-token", TOKEN, "--bind", "127.0.0.1",
                "--port", Integer.toString(proxyPort), "--api-bind", "127.0.0.1",
                "--api-port", Integer.toString(apiPort)));
        if (options.containsKey("pools-only")) {
            command.add("--metrics-pools-only");
        }
        final long start = System.nanoTime();
        server = new ProcessBuilder(command).redirectErrorStream(true).start();
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("Fulcrum ready")) {
                        ready.complete(null);
                    } else if (line.startsWith("fulcrum:") || line.contains("SEVERE") || line.contains("ERROR")) {
                        // Start failures and errors only: the health engine logs every origin's first verdict.
                        System.out.println("  server: " + line);
                    }
                }
                ready.completeExceptionally(new IllegalStateException("the server exited before it was ready"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        ready.get(5, TimeUnit.MINUTES);
        api = "http://127.0.0.1:" + apiPort + "/client/v4";
        return (System.nanoTime() - start) / 1e9;
    }

    private void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private double serverCpuMillis() {
        return server.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e6;
    }

    private static boolean run(String... command) {
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // ---- requests ------------------------------------------------------------------------------------------------

    private String root() {
        return api.substring(0, api.length() - "/client/v4".length());
    }

    private String base() {
        return "/accounts/" + account + "/load_balancers";
    }

    private String get(String path) throws Exception {
        return send("GET", path, null, 200);
    }

    private String send(String method, String path, String body, int expected) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        final HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + ": " + answer.statusCode() + " " + answer.body());
        }
        return answer.body();
    }

    private static String firstId(String json) {
        final Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no id in " + json);
        }
        return m.group(1);
    }

    /** Pool {@code i}: {@code origins} loopback origins on a closed port, checked by {@code monitor}. */
    private static String pool(int i, int origins, String monitor) {
        final StringBuilder json = new StringBuilder("{\"name\":\"pool-").append(i).append("\",\"monitor\":\"")
                .append(monitor).append("\",\"origins\":[");
        for (int o = 0; o < origins; o++) {
            final int n = i * origins + o;
            json.append(o == 0 ? "" : ",").append("{\"name\":\"o").append(o).append("\",\"address\":\"127.")
                    .append(1 + (n >> 16 & 0xff)).append('.').append(n >> 8 & 0xff).append('.').append(n & 0xff)
                    .append("\",\"port\":9}");
        }
        return json.append("]}").toString();
    }

    /** Load balancer {@code i}: two pools, the first also its fallback. */
    private String lb(int i, int poolCount) {
        final String a = pools.get(2 * i % poolCount);
        final String b = pools.get((2 * i + 1) % poolCount);
        return "{\"name\":\"lb-" + i + ".bench.test\",\"default_pools\":[\"" + a + "\",\"" + b + "\"],"
                + "\"fallback_pool\":\"" + a + "\",\"steering_policy\":\"off\"}";
    }

    /** Latencies in nanoseconds. */
    private static final class Samples {
        private long[] nanos = new long[1024];
        private int size;

        void add(long value) {
            if (size == nanos.length) {
                nanos = Arrays.copyOf(nanos, size * 2);
            }
            nanos[size++] = value;
        }

        int size() {
            return size;
        }

        /** The percentile in milliseconds (0: the smallest). */
        double percentile(double p) {
            if (size == 0) {
                return Double.NaN;
            }
            final long[] sorted = Arrays.copyOf(nanos, size);
            Arrays.sort(sorted);
            final int index = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100 * size) - 1));
            return sorted[index] / 1e6;
        }

        void row(String what) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %.2f |%n", what, size, percentile(50),
                    percentile(99), percentile(100));
        }
    }

    static {
        // Keep java.net.http from reusing a connection the server closed while the program paused (restart).
        System.setProperty("jdk.httpclient.keepalive.timeout", "30");
    }
}
