package dev.fulcrum.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytes allocated on the heap by the threads whose names start with given prefixes (a proxy's server and upstream
 * pools), read from HotSpot's per-thread allocation counters ({@code com.sun.management.ThreadMXBean}). Unlike a
 * heap or GC figure it does not depend on the load of the machine, so a test may bound it. Threads that end
 * between two readings take their count with them (pools of a running server keep theirs).
 */
public final class ThreadAllocation {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<String> prefixes;
    private Map<Long, Long> start = Map.of();
    private Map<Long, Long> startCpu = Map.of();

    private ThreadAllocation(List<String> prefixes) {
        this.prefixes = prefixes;
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    /** Counts the threads named with any of {@code prefixes}. */
    public static ThreadAllocation ofThreadsNamed(String... prefixes) {
        return new ThreadAllocation(List.of(prefixes));
    }

    /** Starts (or restarts) counting from now. */
    public ThreadAllocation mark() {
        start = read();
        startCpu = readCpu();
        return this;
    }

    /**
     * CPU time (user and system) of the counted threads since {@link #mark}, in nanoseconds: on a machine shared
     * with other work a steadier figure than the wall time.
     */
    public long cpuNanosSinceMark() {
        long total = 0;
        for (Map.Entry<Long, Long> now : readCpu().entrySet()) {
            total += now.getValue() - startCpu.getOrDefault(now.getKey(), 0L);
        }
        return total;
    }

    private Map<Long, Long> readCpu() {
        final long[] ids = THREADS.getAllThreadIds();
        final ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        final long[] nanos = THREADS.getThreadCpuTime(ids);
        final Map<Long, Long> counted = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && nanos[i] >= 0 && counted(infos[i].getThreadName())) {
                counted.put(ids[i], nanos[i]);
            }
        }
        return counted;
    }

    /** Bytes the counted threads allocated since {@link #mark}; a thread that started since counts from zero. */
    public long allocatedSinceMark() {
        long total = 0;
        for (Map.Entry<Long, Long> now : read().entrySet()) {
            total += now.getValue() - start.getOrDefault(now.getKey(), 0L);
        }
        return total;
    }

    private Map<Long, Long> read() {
        final long[] ids = THREADS.getAllThreadIds();
        final ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        final long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        final Map<Long, Long> counted = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && bytes[i] >= 0 && counted(infos[i].getThreadName())) {
                counted.put(ids[i], bytes[i]);
            }
        }
        return counted;
    }

    private boolean counted(String name) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
