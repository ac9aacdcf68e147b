package dev.fulcrum.jetty;

import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.upstream.UpstreamSettings;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data-plane contract again with the upstream client's callbacks on its selector thread
 * ({@link UpstreamSettings#nonBlocking()}), as the WAR runs it: the proxy must behave the same, and a
 * client that stops reading must not stall the selector that every other response goes through.
 */
class JettyNonBlockingDataPlaneTest extends JettyDataPlaneTest {

    @Override
    protected void startHost(SnapshotRouter router, UpstreamSettings settings) throws Exception {
        super.startHost(router, settings.withNonBlocking(true));
    }

    @Test
    void aClientThatStopsReadingDoesNotHoldUpOthers() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        startSingle(a, UpstreamSettings.DEFAULTS);

        try (Socket stalled = new Socket()) {
            // A small receive buffer, a large answer, and no reading: the proxy's writes to it must stop short.
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", host.port()), 5_000);
            stalled.getOutputStream().write(("GET /big?size=" + (64 * 1024 * 1024) + " HTTP/1.1\r\nHost: " + LB_HOST
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final InputStream in = stalled.getInputStream();
            final byte[] first = new byte[16];
            assertThat(in.read(first)).as("the big answer has begun").isPositive();

            for (int i = 0; i < 20; i++) {
                assertThat(request(LB_HOST, "/small?i=" + i).timeout(5, TimeUnit.SECONDS).send().getStatus())
                        .isEqualTo(200);
            }
        }
    }
}
