package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Pool;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The metrics settings (public scrape, access log, JMX), and what the runtime builds from them. */
class MetricsSettingsTest {

    private static final String TOKEN = "settings-test-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void bothAreOffByDefaultAndAreSwitches() {
        final FulcrumSettings defaults = FulcrumSettings.parse(List.of(), Map.of());
        assertThat(defaults.metricsPublic()).isFalse();
        assertThat(defaults.accessLog()).isFalse();

        final FulcrumSettings on = FulcrumSettings.parse(List.of("--metrics-public", "--access-log", "--port", "0"),
                Map.of());
        assertThat(on.metricsPublic()).isTrue();
        assertThat(on.accessLog()).isTrue();
        assertThat(on.proxyPort()).as("a switch does not swallow the next option").isZero();

        final FulcrumSettings off = FulcrumSettings.parse(List.of("--metrics-public=false"),
                Map.of("FULCRUM_METRICS_PUBLIC", "true", "FULCRUM_ACCESS_LOG", "yes"));
        assertThat(off.metricsPublic()).as("the command line wins over the environment").isFalse();
        assertThat(off.accessLog()).isTrue();
        assertThat(off.toBuilder().build().accessLog()).isTrue();
    }

    @Test
    void aBadSwitchValueIsRefusedNamingIt() {
        assertThatThrownBy(() -> FulcrumSettings.parse(List.of("--access-log=maybe"), Map.of()))
                .isInstanceOf(FulcrumSettings.InvalidSettingException.class)
                .hasMessage("--access-log: 'maybe' is not a switch value (expected: true or false)");
        assertThatThrownBy(() -> FulcrumSettings.parse(List.of(), Map.of("FULCRUM_METRICS_PUBLIC", "2")))
                .hasMessageStartingWith("FULCRUM_METRICS_PUBLIC: '2'");
        assertThat(FulcrumSettings.optionsHelp()).contains("--metrics-public ").contains("--access-log ")
                .contains(AccessLog.LOGGER);
    }

    @Test
    void theRuntimeBuildsTheEndpointAndAccessLogFromThem() {
        try (Fulcrum closed = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(TOKEN).build()).start()) {
            assertThat(closed.metricsEndpoint().isPublic()).isFalse();
            assertThat(closed.metrics().accessLog()).isNull();
            assertThat(closed.metricsEndpoint().handle("GET", List.of("Bearer " + TOKEN)).status()).isEqualTo(200);
            assertThat(closed.metricsEndpoint().handle("GET", List.of()).status()).isEqualTo(403);
        }
        try (Fulcrum open = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(TOKEN).metricsPublic(true)
                .accessLog(true).build()).start()) {
            assertThat(open.metricsEndpoint().isPublic()).isTrue();
            assertThat(open.metrics().accessLog()).isNotNull();
            assertThat(open.metricsEndpoint().handle("GET", List.of()).status()).isEqualTo(200);
        }
    }

    @Test
    void withJmxTheMetersAreAlsoMBeansUntilStop() throws Exception {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final ObjectName fulcrumBeans = new ObjectName(FulcrumMetrics.JMX_DOMAIN + ":*");
        assertThat(FulcrumSettings.parse(List.of("--metrics-jmx"), Map.of()).metricsJmx()).isTrue();

        try (Fulcrum jmx = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(TOKEN).metricsJmx(true)
                .build()).start()) {
            assertThat(jmx.metrics().publishesJmx()).isTrue();
            jmx.metrics().registry().counter("fulcrum.test.jmx").increment();

            assertThat(server.queryNames(fulcrumBeans, null)).as("JVM and test meters as MBeans")
                    .anySatisfy(name -> assertThat(name.toString()).contains("fulcrumTestJmx"));
            assertThat(jmx.metricsEndpoint().handle("GET", List.of("Bearer " + TOKEN)).bodyText())
                    .as("the scrape still sees everything").contains("fulcrum_test_jmx_total 1");

            // The configuration-sized rows, which a scrape writes itself, are gauges over JMX.
            final Pool pool = Fixtures.pool("eu", "random", Fixtures.origin("a", "10.0.0.1", 8001, 1));
            jmx.store().update(c -> new ConfigSnapshot(c.revision(), c.accounts(), c.zones(), c.monitors(),
                    Map.of(pool.id(), pool), c.loadBalancers()));
            assertThat(server.queryNames(fulcrumBeans, null)).extracting(ObjectName::toString)
                    .anySatisfy(name -> assertThat(name).contains("fulcrumPoolInFlight"))
                    .anySatisfy(name -> assertThat(name).contains("fulcrumOriginInFlight"))
                    .anySatisfy(name -> assertThat(name).contains("fulcrumUpstreamConnections"));
            final ScrapeText scrape = ScrapeText.parse(jmx.metricsEndpoint().handle("GET",
                    List.of("Bearer " + TOKEN)).bodyText());
            assertThat(scrape.value("fulcrum_pool_in_flight", "pool", "eu", "pool_id", pool.id()))
                    .as("written once, from the rows, not from the JMX gauges").isZero();
        }
        assertThat(server.queryNames(fulcrumBeans, null)).isEmpty();

        try (Fulcrum plain = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(TOKEN).build()).start()) {
            assertThat(plain.metrics().publishesJmx()).isFalse();
            assertThat(server.queryNames(fulcrumBeans, null)).isEmpty();
        }
    }
}
