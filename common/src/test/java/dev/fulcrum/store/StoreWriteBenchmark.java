package dev.fulcrum.store;

import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.Pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures {@link FileConfigStore#commit} latency, as the API sees it, for "add one pool" with 100 and with 10,000
 * objects already stored. Not a test (surefire does not pick up {@code *Benchmark}); run it with:
 *
 * <pre>
 * mvn -q -B -o -pl common test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.fulcrum.store.StoreWriteBenchmark [-Dexec.args="&lt;data dir parent&gt;"]
 * </pre>
 *
 * Each timed call includes the mutation (an edit applied to the persistent snapshot), encoding, the fsync'd journal
 * append and any compaction it triggers. Numbers depend on the disk's fsync latency above all.
 */
public final class StoreWriteBenchmark {

    private static final int WARMUP = 300;
    private static final int MEASURED = 1000;
    private static final int REWRITES = 20;

    private StoreWriteBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        final Path parent = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"));
        System.out.printf("java %s, %s, data under %s (%s)%n", System.getProperty("java.version"),
                System.getProperty("os.name"), parent, Files.getFileStore(parent).type());
        for (final int stored : new int[] {100, 10_000}) {
            run(parent, stored);
        }
    }

    private static void run(Path parent, int stored) throws IOException {
        final Path dir = Files.createTempDirectory(parent, "fulcrum-store-bench");
        try (FileConfigStore store = FileConfigStore.open(dir)) {
            preload(store, stored);
            for (int i = 0; i < WARMUP; i++) {
                addOnePool(store);
            }
            final long stateBytes = Files.size(dir.resolve("state.json"));
            final int objects = store.current().pools().size();
            // The caller's share: applying the edit to the persistent snapshot, without the store.
            final long[] mutation = new long[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                final Pool pool = StoreFixtures.pool(Ids.newId(), "mutation-" + i);
                final ConfigSnapshot base = store.current();
                final long start = System.nanoTime();
                final ConfigSnapshot next = base.apply(ConfigEdit.putting(pool), base.revision() + 1).next();
                mutation[i] = System.nanoTime() - start;
                if (next.pools().size() != objects + 1) {
                    throw new AssertionError("mutation lost a pool");
                }
            }
            final long compactionsBefore = store.compactions();
            final long[] nanos = new long[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                final Pool pool = StoreFixtures.pool(Ids.newId(), "bench-" + i);
                final long start = System.nanoTime();
                store.commit(s -> ConfigEdit.putting(pool));
                nanos[i] = System.nanoTime() - start;
            }
            final long compactions = store.compactions() - compactionsBefore;
            final long[] rewrite = new long[REWRITES];
            for (int i = 0; i < REWRITES; i++) {
                final long start = System.nanoTime();
                store.compactNow();
                rewrite[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            Arrays.sort(rewrite);
            Arrays.sort(mutation);
            System.out.printf("%,d stored objects (%,d after warm-up; state file %,d bytes):%n"
                            + "  commit, add one pool: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms; "
                            + "compactions during the run: %d%n"
                            + "  of which the caller's mutation alone: p50=%.2f ms p99=%.2f ms%n"
                            + "  full state rewrite (one compaction) at the end: n=%d p50=%.1f ms max=%.1f ms%n",
                    stored, objects, stateBytes, MEASURED, ms(pct(nanos, 50)), ms(pct(nanos, 90)),
                    ms(pct(nanos, 99)), ms(nanos[nanos.length - 1]), compactions, ms(pct(mutation, 50)),
                    ms(pct(mutation, 99)), REWRITES, ms(pct(rewrite, 50)), ms(rewrite[rewrite.length - 1]));
        } finally {
            deleteTree(dir);
        }
    }

    private static void preload(FileConfigStore store, int stored) {
        final Pool template = StoreFixtures.pool(Ids.newId(), "preload");
        final Map<String, Pool> pools = new HashMap<>();
        for (int i = 0; i < stored; i++) {
            final String id = Ids.newId();
            pools.put(id, new Pool(id, template.accountId(), template.createdOn(), template.modifiedOn(), null,
                    "preload-" + i, template.description(), true, 1, null, null, template.origins(),
                    template.originSteering(), template.loadShedding(), template.latitude(), template.longitude(),
                    null, "", null, template.networks()));
        }
        store.update(s -> new ConfigSnapshot(s.revision(), s.accounts(), s.zones(), s.monitors(), pools,
                s.loadBalancers()));
        store.compactNow();
    }

    private static void addOnePool(FileConfigStore store) {
        final Pool pool = StoreFixtures.pool(Ids.newId(), "warm");
        store.commit(s -> ConfigEdit.putting(pool));
    }

    private static long pct(long[] sorted, int percentile) {
        final int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
