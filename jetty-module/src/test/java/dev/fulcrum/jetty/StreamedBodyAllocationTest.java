package dev.fulcrum.jetty;

import dev.fulcrum.testing.ThreadAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large answer streams through the proxy in pooled buffers: what the proxy's threads allocate on the heap while
 * relaying 1 MiB bodies stays far below the body's size (about 30 KiB per MiB when measured: per-chunk bookkeeping).
 * A copy of the body into a heap array anywhere on the path (a byte[] per chunk, an aggregated answer) costs at
 * least the body's size per request and fails the bound.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamedBodyAllocationTest {

    private static final int MIB = 1024 * 1024;
    /** Generous: eight times what was measured, a quarter of the body. */
    private static final long BOUND_PER_MIB = 256 * 1024;

    @Test
    void aMebibyteAnswerIsNotCopiedIntoTheHeap() throws Exception {
        try (ProxyAllocationProbe.Rig rig = ProxyAllocationProbe.Rig.start(MIB)) {
            rig.run(40, 2); // warm-up: connections open, classes loaded, code compiled
            final ThreadAllocation proxy = ThreadAllocation.ofThreadsNamed(ProxyAllocationProbe.PROXY_THREADS).mark();
            final int requests = 40;
            rig.run(requests, 2); // each answer checked whole (status 200, every byte counted)

            assertThat(proxy.allocatedSinceMark() / requests).isLessThan(BOUND_PER_MIB);
        }
    }
}
