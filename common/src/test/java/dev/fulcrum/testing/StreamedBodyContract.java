package dev.fulcrum.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large answer streams through the host in pooled buffers: what the proxy's threads allocate on the heap while
 * relaying 1 MiB bodies stays far below the body's size (per-chunk bookkeeping only). A copy of the body into a heap array anywhere on the path (a byte[] per chunk, an
 * aggregated answer) costs at least the body's size per request and fails the bound. Subclasses supply the host and
 * the name prefixes of its threads ({@link ThreadAllocation}); the upstream client's are added.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StreamedBodyContract {

    private static final int MIB = 1024 * 1024;
    /**
     * Half the body: any copy of it costs at least all of it. Measured: about 30 KiB on the Jetty core handler,
     * about 125 KiB in Tomcat (its per-event objects: the answer goes out in 8 KiB pieces, each one a write event).
     */
    private static final long BOUND_PER_MIB = 512 * 1024;

    protected abstract HostUnderTest newHost();

    /** The name prefixes of the host's own threads. */
    protected abstract String[] hostThreads();

    @Test
    void aMebibyteAnswerIsNotCopiedIntoTheHeap() throws Exception {
        try (ProxyProbe.Rig rig = ProxyProbe.Rig.start(MIB, newHost())) {
            rig.run(40, 2); // warm-up: connections open, classes loaded, code compiled
            final ThreadAllocation proxy = ThreadAllocation.ofThreadsNamed(ProxyProbe.withUpstream(hostThreads()))
                    .mark();
            final int requests = 40;
            rig.run(requests, 2); // each answer checked whole (status 200, every byte counted)

            assertThat(proxy.allocatedSinceMark() / requests).isLessThan(BOUND_PER_MIB);
        }
    }
}
