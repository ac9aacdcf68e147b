package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.testing.GrpcOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What README advises for health-checking a gRPC origin, tried against grpc-java's own server: an {@code http}
 * monitor speaks HTTP/1.1, which a gRPC server (HTTP/2 only) does not answer, so it never passes; a {@code tcp}
 * monitor on the gRPC port passes, and an {@code http} monitor on a side port the origin serves HTTP/1.1 on passes.
 */
class GrpcOriginProbeTest {

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private Probes probes;
    private GrpcOrigin grpc;

    @BeforeEach
    void start() throws Exception {
        probes = new Probes(HealthSettings.defaults(), scheduler);
        probes.start();
        grpc = GrpcOrigin.start("g");
    }

    @AfterEach
    void stop() throws Exception {
        grpc.close();
        probes.close();
        scheduler.shutdownNow();
    }

    private ProbeResult check(Monitor monitor, Origin origin) throws Exception {
        return probes.check(ProbeTarget.of(monitor, Fixtures.id('p'), origin)).get(15, TimeUnit.SECONDS);
    }

    @Test
    void anHttpMonitorOnTheGrpcPortNeverPasses() throws Exception {
        final ProbeResult result = check(monitor(Fixtures.id('m'), "http"), origin("g", "127.0.0.1", grpc.port()));

        assertThat(result.passed()).isFalse();
        // Netty answers 400 when it reads the request line before failing the HTTP/2 preface, else only a GOAWAY.
        assertThat(result.responseCode()).as("an error or no HTTP/1.1 status at all").isIn(0, 400);
    }

    @Test
    void aTcpMonitorOnTheGrpcPortPasses() throws Exception {
        final ProbeResult result = check(monitor(Fixtures.id('m'), "tcp"), origin("g", "127.0.0.1", grpc.port()));

        assertThat(result.passed()).isTrue();
    }

    @Test
    void anHttpMonitorOnASidePortPasses() throws Exception {
        try (TestOrigin side = TestOrigin.http()) {
            // The monitor's port replaces the origin's: the gRPC origin's address, its HTTP/1.1 health port.
            final Monitor monitor = Fixtures.withHeaderAndPort(monitor(Fixtures.id('m'), "http"), Map.of(),
                    side.port());

            final ProbeResult result = check(monitor, origin("g", "127.0.0.1", grpc.port()));

            assertThat(result.passed()).isTrue();
            assertThat(result.responseCode()).isEqualTo(200);
        }
    }
}
