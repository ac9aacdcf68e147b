package dev.fulcrum.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A started {@link HealthMonitor} with short publish and start-up delays (PoP "Test PoP"), and the loopback origins
 * a test makes through {@link #server()}; {@link #close()} stops them all.
 */
final class LoopbackHealth implements AutoCloseable {

    final HealthMonitor health = new HealthMonitor(HealthSettings.defaults().withPopName("Test PoP")
            .withPublishPeriod(Duration.ofMillis(200)).withInitialSpread(Duration.ofMillis(200)));
    final List<TestOrigin> servers = new ArrayList<>();

    LoopbackHealth() {
        health.start();
    }

    /** A new HTTP origin on 127.0.0.1, answering 200 until told otherwise. */
    TestOrigin server() throws Exception {
        final TestOrigin server = TestOrigin.http();
        servers.add(server);
        return server;
    }

    @Override
    public void close() throws Exception {
        health.close();
        for (final TestOrigin server : servers) {
            server.close();
        }
    }
}
