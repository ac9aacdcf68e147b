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
        return since(startCpu, readCpu());
    }

    private Map<Long, Long> readCpu() {
        return readPerThread(THREADS::getThreadCpuTime);
    }

    /** Bytes the counted threads allocated since {@link #mark}; a thread that started since counts from zero. */
    public long allocatedSinceMark() {
        return since(start, read());
    }

    private static long since(Map<Long, Long> marked, Map<Long, Long> now) {
        long total = 0;
        for (Map.Entry<Long, Long> thread : now.entrySet()) {
            total += thread.getValue() - marked.getOrDefault(thread.getKey(), 0L);
        }
        return total;
    }

    private Map<Long, Long> read() {
        return readPerThread(THREADS::getThreadAllocatedBytes);
    }

    /** {@code counter}'s reading per counted thread, by id (a negative reading: not available, left out). */
    private Map<Long, Long> readPerThread(java.util.function.Function<long[], long[]> counter) {
        final long[] ids = THREADS.getAllThreadIds();
        final ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        final long[] values = counter.apply(ids);
        final Map<Long, Long> counted = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && values[i] >= 0 && counted(infos[i].getThreadName())) {
                counted.put(ids[i], values[i]);
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
