package dev.fulcrum.bench;

import dev.fulcrum.api.ApiHttpServer;
import dev.fulcrum.cluster.ClusterSettings;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.etcd.EtcdSettings;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's speed (issue 12), on one etcd the operator starts (README, "Cluster"): two Fulcrum nodes in this JVM,
 * each with its API on a loopback port.
 * <ul>
 *   <li>propagation: from sending an API write (a new load balancer) to node A until node B's router serves the new
 *       host, p50 and p99, with the cluster holding each of {@code --sizes} pools;</li>
 *   <li>start: a fresh node joining a cluster of {@code --start-pools} pools, until it serves, and its heap after a
 *       full GC;</li>
 *   <li>API write latency (a pool create) on an etcd node next to a single node on its file store.</li>
 * </ul>
 * <pre>
 * etcd --data-dir /tmp/bench-etcd --listen-client-urls http://127.0.0.1:2379 \
 *     --advertise-client-urls http://127.0.0.1:2379 &amp;
 * mvn -q -B -o -pl bench -am package -DskipTests
 * java -cp bench/target/fulcrum-benchmarks.jar dev.fulcrum.bench.ClusterBenchmark \
 *     [--etcd http://127.0.0.1:2379] [--sizes 100,10000] [--samples 200] [--start-pools 10000] [--writes 200]
 * </pre>
 * Each run writes under a prefix of its own ({@code /fulcrum-bench-<time>/}); delete it afterwards with
 * {@code etcdctl del --prefix /fulcrum-bench-}. Every wait is bounded.
 */
public final class ClusterBenchmark {

    private static final String TOKEN = "cluster-benchmark-token-0123456789";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]{32})\"");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<URI> etcd;
    private final Path work;
    private final String run = "/fulcrum-bench-" + System.currentTimeMillis() + "-";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private ClusterBenchmark(List<URI> etcd, Path work) {
        this.etcd = etcd;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        final Map<String, String> options = options(args);
        final ClusterBenchmark bench = new ClusterBenchmark(EtcdSettings.parseEndpoints(
                options.getOrDefault("etcd", "http://127.0.0.1:2379")), Files.createTempDirectory("cluster-bench"));
        final int samples = Integer.parseInt(options.getOrDefault("samples", "200"));
        System.out.println("| measure | cluster size | p50 | p99 | samples |");
        System.out.println("|---|---|---|---|---|");
        for (String size : options.getOrDefault("sizes", "100,10000").split(",")) {
            bench.propagation(Integer.parseInt(size.strip()), samples);
        }
        bench.start(Integer.parseInt(options.getOrDefault("start-pools", "10000")));
        bench.writes(Integer.parseInt(options.getOrDefault("writes", "200")));
    }

    /** A node of the cluster under {@code prefix}, with its API on a free loopback port. */
    private final class Node implements AutoCloseable {
        final Fulcrum fulcrum;
        final ApiHttpServer api;
        final String base;

        Node(String prefix, String name) {
            final FulcrumSettings.Builder settings = FulcrumSettings.builder().dataDir(work.resolve(
                    (prefix == null ? "single" : prefix.replace("/", "")) + "-" + name)).apiToken(TOKEN);
            if (prefix != null) {
                settings.cluster(new ClusterSettings(EtcdSettings.of(etcd), prefix, name,
                        ClusterSettings.DEFAULT_LEASE_TTL, Duration.ofSeconds(30), Duration.ofSeconds(30)));
            }
            fulcrum = new Fulcrum(settings.build()).start();
            api = ApiHttpServer.start(fulcrum.api(), "127.0.0.1", 0);
            base = "http://127.0.0.1:" + api.port() + "/client/v4";
        }

        String post(String path, String body) throws Exception {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
            }
            final Matcher id = ID.matcher(response.body());
            return id.find() ? id.group(1) : null;
        }

        String account() {
            return fulcrum.store().current().accounts().keySet().iterator().next();
        }

        @Override
        public void close() {
            api.close();
            fulcrum.close();
        }
    }

    /** Propagation p50/p99 of a load balancer created on A until B serves it, with {@code size} pools stored. */
    private void propagation(int size, int samples) throws Exception {
        final String prefix = run + size + "/";
        try (Node a = new Node(prefix, "a"); Node b = new Node(prefix, "b")) {
            final String account = a.account();
            preload(a, account, size);
            final String zone = a.post("/zones", "{\"name\":\"bench.test\",\"account\":{\"id\":\"" + account
                    + "\"}}");
            final String pool = a.fulcrum.store().current().pools().keySet().iterator().next();
            awaitRevision(b, a.fulcrum.store().current().revision());
            final long[] nanos = new long[samples];
            for (int i = 0; i < samples; i++) {
                final String host = "lb" + i + ".bench.test";
                final long start = System.nanoTime();
                a.post("/zones/" + zone + "/load_balancers", "{\"name\":\"" + host + "\",\"default_pools\":[\""
                        + pool + "\"],\"fallback_pool\":\"" + pool + "\"}");
                final long deadline = start + WAIT.toNanos();
                while (!b.fulcrum.router().serves(host)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(host + " did not reach node b within " + WAIT);
                    }
                    Thread.onSpinWait();
                }
                nanos[i] = System.nanoTime() - start;
            }
            row("propagation (write on A until B serves)", size + " pools", nanos);
        }
    }

    /** A fresh node joining a cluster of {@code pools} pools: time until it serves, and its heap. */
    private void start(int pools) throws Exception {
        final String prefix = run + "start/";
        try (Node a = new Node(prefix, "a")) {
            preload(a, a.account(), pools);
            final long revision = a.fulcrum.store().current().revision();
            final Runtime runtime = Runtime.getRuntime();
            final long t0 = System.nanoTime();
            try (Node joining = new Node(prefix, "joining")) {
                awaitRevision(joining, revision);
                final long took = System.nanoTime() - t0;
                a.close();
                System.gc();
                final long heap = runtime.totalMemory() - runtime.freeMemory();
                System.out.printf(Locale.ROOT, "| start of a node from etcd | %d pools | %.2f s | | 1 |%n", pools,
                        took / 1e9);
                System.out.printf(Locale.ROOT, "| heap after start (this JVM, one node, full GC) | %d pools | "
                        + "%.0f MiB | | 1 |%n", pools, heap / 1048576.0);
            }
        }
    }

    /** API pool creates on an etcd node and on a file-store node. */
    private void writes(int writes) throws Exception {
        try (Node clustered = new Node(run + "writes/", "a"); Node single = new Node(null, "file")) {
            for (Node node : List.of(clustered, single)) {
                final String account = node.account();
                final long[] nanos = new long[writes];
                for (int i = 0; i < writes; i++) {
                    final long start = System.nanoTime();
                    node.post("/accounts/" + account + "/load_balancers/pools", "{\"name\":\"w" + i + "\","
                            + "\"origins\":[{\"name\":\"o\",\"address\":\"127.0.0.1\",\"port\":9}]}");
                    nanos[i] = System.nanoTime() - start;
                }
                row("API write latency (pool create), " + (node == single ? "file store" : "etcd store"), "",
                        nanos);
            }
        }
    }

    /** {@code count} pools committed through A's store in chunks (what a migration or a script would build). */
    private static void preload(Node a, String account, int count) {
        final Instant now = Instant.now();
        for (int done = 0; done < count; ) {
            final ConfigEdit edit = new ConfigEdit();
            final int chunk = Math.min(1000, count - done);
            for (int i = 0; i < chunk; i++) {
                final int n = done + i;
                edit.put(new Pool(Ids.newId(), account, now, now, null, "p" + n, "", true, 1, null, null,
                        List.of(new Origin("o" + n, "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255),
                                80, true, 1.0, Map.of(), null, null)), "random", null, null, null, null, "", null,
                        List.of("cloudflare")));
            }
            a.fulcrum.store().commit(s -> edit);
            done += chunk;
        }
    }

    private static void awaitRevision(Node node, long revision) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            final ConfigSnapshot current = node.fulcrum.store().current();
            if (current.revision() >= revision && node.fulcrum.router().revision() >= revision) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node did not reach revision " + revision);
            }
            Thread.sleep(5);
        }
    }

    private static void row(String what, String size, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f ms | %.1f ms | %d |%n", what, size,
                nanos[nanos.length / 2] / 1e6, nanos[Math.min(nanos.length - 1, (int) (nanos.length * 0.99))] / 1e6,
                nanos.length);
    }

    private static Map<String, String> options(String[] args) {
        final Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }
}
