package dev.fulcrum.metrics;

import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two metrics settings, and what the runtime builds from them. */
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
}
