package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.testing.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.health.Fixtures.pool;
import static dev.fulcrum.health.Fixtures.withFlags;
import static dev.fulcrum.health.Fixtures.withTiming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The trust-all probe client exists only once an {@code allow_insecure} monitor probes: a runtime without one never
 * makes it (nor logs Jetty's trust-all warning at start), and a verifying probe never uses it.
 */
class InsecureProbeClientTest {

    private static final String POOL = Fixtures.id('1');
    private static final String MONITOR = Fixtures.id('9');

    @TempDir
    Path dir;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T started(T resource) {
        resources.add(resource);
        return resource;
    }

    @Test
    void aRuntimeMakesTheTrustAllClientOnlyForAnAllowInsecureMonitor() throws Exception {
        final TestOrigin plain = started(TestOrigin.http());
        final SelfSignedCertificate certificate = SelfSignedCertificate.generate(dir);
        final TestOrigin tls = started(TestOrigin.https(certificate.keyStore(), SelfSignedCertificate.PASSWORD));
        final Fulcrum fulcrum = started(new Fulcrum(FulcrumSettings.builder().dataDir(dir.resolve("data")).build())
                .start());
        final HealthMonitor health = fulcrum.health();
        assertThat(health.hasInsecureProbeClient()).as("after start").isFalse();

        final Origin plainOrigin = origin("plain", "127.0.0.1", plain.port());
        commit(fulcrum, monitor(MONITOR, "http"), plainOrigin);
        await().atMost(Duration.ofSeconds(10)).until(() -> healthy(health, plain));
        assertThat(health.hasInsecureProbeClient()).as("after verifying probes").isFalse();

        final Origin tlsOrigin = origin("tls", "127.0.0.1", tls.port());
        commit(fulcrum, withFlags(monitor(MONITOR, "https"), false, true), tlsOrigin);
        await().atMost(Duration.ofSeconds(10)).until(() -> healthy(health, tls));
        assertThat(health.hasInsecureProbeClient()).as("after an allow_insecure probe").isTrue();
    }

    @Test
    void stoppedProbesMakeNoClientAndFailTheInsecureProbe() throws Exception {
        final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        resources.add(scheduler::shutdownNow);
        final Probes probes = new Probes(HealthSettings.defaults(), scheduler);
        probes.start();
        probes.close();

        assertThatThrownBy(probes::insecureClient).isInstanceOf(IllegalStateException.class)
                .hasMessage("the health probes are stopped");
        final ProbeResult result = probes.check(ProbeTarget.of(withFlags(monitor(MONITOR, "https"), false, true),
                POOL, origin("tls", "127.0.0.1", 9))).get(10, TimeUnit.SECONDS);
        assertThat(result.passed()).isFalse();
        assertThat(probes.hasInsecureClient()).isFalse();
    }

    /** Commits one pool checked by {@code monitor} every 2 s (the store's minimum for a 1 s timeout). */
    private static void commit(Fulcrum fulcrum, Monitor monitor, Origin origin) {
        final ConfigSnapshot wanted = Fixtures.config(1, List.of(withTiming(monitor, 1, 0, 2)),
                pool(POOL, "web", MONITOR, 1, origin));
        fulcrum.store().update(c -> new ConfigSnapshot(c.revision(), c.accounts(), c.zones(), wanted.monitors(),
                wanted.pools(), c.loadBalancers()));
    }

    private static boolean healthy(HealthMonitor health, TestOrigin server) {
        final OriginHealth origin = health.snapshot().origin(POOL, HealthSnapshot.originKey("127.0.0.1",
                server.port()));
        return origin != null && origin.healthy();
    }
}
