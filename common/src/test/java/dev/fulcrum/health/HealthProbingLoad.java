package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load program, not a unit test (its name keeps it out of the normal build): probes many origin entries pointing at
 * a few local Jetty origins and reports the health engine's CPU, threads and heap. Bounded in count and time.
 *
 * <pre>
 * mvn -q -B -o -pl common test -Dtest=HealthProbingLoad -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfulcrum.bench.origins=10000 -Dfulcrum.bench.seconds=60 -Dfulcrum.bench.interval=10
 * cat common/target/surefire-reports/dev.fulcrum.health.HealthProbingLoad-output.txt
 * </pre>
 */
class HealthProbingLoad {

    private static final int ORIGINS = Integer.getInteger("fulcrum.bench.origins", 10_000);
    private static final int SECONDS = Math.min(600, Integer.getInteger("fulcrum.bench.seconds", 60));
    private static final int INTERVAL = Integer.getInteger("fulcrum.bench.interval", 10);
    private static final int SERVERS = 4;

    @Test
    void probeManyOrigins() throws Exception {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final List<TestOrigin> servers = new ArrayList<>();
        for (int i = 0; i < SERVERS; i++) {
            servers.add(TestOrigin.http());
        }
        final int threadsBefore = threads.getThreadCount();
        System.gc();
        final long heapBefore = memory.getHeapMemoryUsage().getUsed();

        // Keys must be unique per pool, so SERVERS origins per pool and ORIGINS / SERVERS pools.
        final String monitorId = "b".repeat(32);
        final Monitor monitor = Fixtures.withTiming(Fixtures.monitor(monitorId, "http"), 5, 2, INTERVAL);
        final List<Pool> pools = new ArrayList<>();
        for (int p = 0; p < ORIGINS / SERVERS; p++) {
            final Origin[] origins = new Origin[SERVERS];
            for (int s = 0; s < SERVERS; s++) {
                origins[s] = Fixtures.origin("o" + p + '-' + s, "127.0.0.1", servers.get(s).port());
            }
            pools.add(Fixtures.pool(String.format(Locale.ROOT, "%032x", p), "pool" + p, monitorId, 1, origins));
        }
        final AtomicInteger publishes = new AtomicInteger();
        // Steady state = the second half of the run: how many pools' result maps each publish replaced.
        final AtomicInteger steadyPublishes = new AtomicInteger();
        final AtomicInteger steadyPoolsReplaced = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicReference<HealthSnapshot> previous =
                new java.util.concurrent.atomic.AtomicReference<>(HealthSnapshot.EMPTY);
        final long steadyFrom = System.nanoTime() + Duration.ofSeconds(SECONDS / 2).toNanos();
        final Map<Long, Long> cpuByThread = new HashMap<>();
        int maxInFlight = 0;
        int maxHealthThreads = 0;
        try (HealthMonitor health = new HealthMonitor()) {
            health.addListener(snapshot -> {
                publishes.incrementAndGet();
                final HealthSnapshot before = previous.getAndSet(snapshot);
                if (System.nanoTime() > steadyFrom) {
                    steadyPublishes.incrementAndGet();
                    snapshot.pools().forEach((id, origins) -> {
                        if (before.pools().get(id) != origins) {
                            steadyPoolsReplaced.incrementAndGet();
                        }
                    });
                }
            });
            final long wallStart = System.nanoTime();
            final long processCpuStart = os.getProcessCpuTime();
            health.start();
            health.update(Fixtures.config(1, List.of(monitor), pools.toArray(Pool[]::new)));
            final long deadline = wallStart + Duration.ofSeconds(SECONDS).toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                maxInFlight = Math.max(maxInFlight, health.probesInFlight());
                maxHealthThreads = Math.max(maxHealthThreads, sampleHealthThreads(threads, cpuByThread));
            }
            final long wall = System.nanoTime() - wallStart;
            final long processCpu = os.getProcessCpuTime() - processCpuStart;
            final long healthCpu = cpuByThread.values().stream().mapToLong(Long::longValue).sum();
            final int checks = servers.stream().mapToInt(s -> s.requests.get()).sum();
            final int healthy = health.snapshot().pools().values().stream().mapToInt(Map::size).sum();
            System.gc();
            final long heapAfter = memory.getHeapMemoryUsage().getUsed();
            final int cores = os.getAvailableProcessors();

            System.out.printf(Locale.ROOT, "origins=%d pools=%d interval=%ds duration=%ds cores=%d%n", ORIGINS,
                    pools.size(), INTERVAL, SECONDS, cores);
            System.out.printf(Locale.ROOT, "checks=%d (%.0f/s) healthy-at-end=%d publishes=%d events=%d%n", checks,
                    checks / (wall / 1e9), healthy, publishes.get(), health.events().size());
            System.out.printf(Locale.ROOT, "steady state (second half): %d publishes replacing %d pool maps of %d%n",
                    steadyPublishes.get(), steadyPoolsReplaced.get(), pools.size());
            System.out.printf(Locale.ROOT, "health-threads max=%d (jvm threads before=%d, now=%d)%n",
                    maxHealthThreads, threadsBefore, threads.getThreadCount());
            System.out.printf(Locale.ROOT, "health-threads cpu=%.1f s = %.1f%% of one core, %.1f%% of the machine%n",
                    healthCpu / 1e9, 100.0 * healthCpu / wall, 100.0 * healthCpu / wall / cores);
            System.out.printf(Locale.ROOT, "process cpu (incl. the %d origin servers)=%.1f s = %.1f%% of machine%n",
                    SERVERS, processCpu / 1e9, 100.0 * processCpu / wall / cores);
            System.out.printf(Locale.ROOT, "probes in flight max=%d; heap used after GC: before=%.1f MB, "
                    + "running=%.1f MB (delta %.1f MB)%n", maxInFlight, heapBefore / 1e6, heapAfter / 1e6,
                    (heapAfter - heapBefore) / 1e6);
            assertThat(healthy).isEqualTo(ORIGINS);
        } finally {
            for (final TestOrigin server : servers) {
                server.close();
            }
        }
    }

    /** Records each health thread's CPU time (threads may come and go) and returns how many are alive. */
    private static int sampleHealthThreads(ThreadMXBean threads, Map<Long, Long> cpuByThread) {
        int alive = 0;
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("fulcrum-health")) {
                alive++;
                final long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    cpuByThread.merge(info.getThreadId(), cpu, Math::max);
                }
            }
        }
        return alive;
    }
}
