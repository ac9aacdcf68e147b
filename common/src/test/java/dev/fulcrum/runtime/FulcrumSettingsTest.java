package dev.fulcrum.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FulcrumSettingsTest {

    private static final String TOKEN = "abcdefghijklmnopqrstuvwxyz012345";

    @Test
    void defaults() {
        final FulcrumSettings s = FulcrumSettings.parse(List.of(), Map.of());
        assertThat(s.proxyPort()).isEqualTo(8080);
        assertThat(s.apiPort()).isEqualTo(8081);
        assertThat(s.apiBind()).isEqualTo("127.0.0.1");
        assertThat(s.proxyBind()).isEqualTo("0.0.0.0");
        assertThat(s.dataDir()).isEqualTo(Path.of("fulcrum-data"));
        assertThat(s.apiToken()).isNull();
    }

    @Test
    void commandLineOverridesEnvironment() {
        final Map<String, String> env = Map.of("FULCRUM_PORT", "9000", "FULCRUM_API_PORT", "9001",
                "FULCRUM_DATA_DIR", "/var/lib/fulcrum", "FULCRUM_API_TOKEN", TOKEN);
        final FulcrumSettings s = FulcrumSettings.parse(List.of("--port", "7000", "--api-bind=0.0.0.0",
                "--data-dir", "/tmp/f"), env);
        assertThat(s.proxyPort()).isEqualTo(7000);
        assertThat(s.apiPort()).isEqualTo(9001);
        assertThat(s.apiBind()).isEqualTo("0.0.0.0");
        assertThat(s.dataDir()).isEqualTo(Path.of("/tmp/f"));
        assertThat(s.apiToken()).isEqualTo(TOKEN);
        assertThat(s.toString()).doesNotContain(TOKEN);
    }

    @Test
    void badValuesNameTheOptionAndTheExpectation() {
        assertRefused(List.of("--port", "http"), Map.of(), "--port: 'http' is not a port number (expected: 0-65535)");
        assertRefused(List.of("--api-port=70000"), Map.of(), "--api-port: '70000' is not a port number");
        assertRefused(List.of(), Map.of("FULCRUM_PORT", "-1"), "FULCRUM_PORT: '-1' is not a port number");
        assertRefused(List.of("--api-token", "short"), Map.of(), "--api-token: not a usable API token");
        assertRefused(List.of("--api-token", "has spaces in it, quite a few"), Map.of(), "--api-token:");
        assertRefused(List.of("--api-bind", " "), Map.of(), "--api-bind: ' ' is not a host name or IP address");
        assertRefused(List.of("--prot", "1"), Map.of(), "unknown option '--prot' (see --help)");
        assertRefused(List.of("--port"), Map.of(), "--port: needs a value PORT");
    }

    @Test
    void theListenerHardeningSettings() {
        final FulcrumSettings defaults = FulcrumSettings.parse(List.of(), Map.of());
        assertThat(defaults.headerTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.maxConnectionsPerClient()).isZero();
        assertThat(defaults.drain()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.routing().underscoresInHeaders()).isFalse();

        final FulcrumSettings s = FulcrumSettings.parse(List.of("--header-timeout", "15s",
                "--max-connections-per-client=64", "--underscores-in-headers", "--drain", "0"),
                Map.of("FULCRUM_DRAIN", "30s"));
        assertThat(s.headerTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.maxConnectionsPerClient()).isEqualTo(64);
        assertThat(s.routing().underscoresInHeaders()).isTrue();
        assertThat(s.drain()).isZero();
        assertThat(s.toBuilder().build().routing().underscoresInHeaders()).isTrue();
        assertThat(FulcrumSettings.parse(List.of(), Map.of("FULCRUM_HEADER_TIMEOUT", "0")).headerTimeout()).isZero();

        assertThat(FulcrumSettings.parse(List.of("--drain", "0s"), Map.of()).drain()).isZero();
        assertRefused(List.of("--header-timeout", "soon"), Map.of(), "--header-timeout: soon (expected: a positive "
                + "duration such as 19s, 500ms or 15m, or 0 for none)");
        assertRefused(List.of("--drain", "-1s"), Map.of(), "--drain: -1s (expected:");
        assertRefused(List.of("--drain", "5"), Map.of(), "--drain: 5 has no unit");
        assertRefused(List.of("--max-connections-per-client", "-2"), Map.of(),
                "--max-connections-per-client: '-2' is not a limit (expected: an integer of at least 0, 0 for none)");
        assertRefused(List.of("--underscores-in-headers=maybe"), Map.of(), "--underscores-in-headers: 'maybe'");
    }

    @Test
    void tlsSettingsGoTogetherAndKeepThePasswordOutOfTheText() {
        final FulcrumSettings s = FulcrumSettings.parse(List.of("--tls-port", "8443", "--tls-cert", "site.p12",
                "--tls-password", "p12-secret", "--redirect-https"), Map.of("FULCRUM_H2C", "false"));
        assertThat(s.tls()).isTrue();
        assertThat(s.tlsPort()).isEqualTo(8443);
        assertThat(s.redirectHttps()).isTrue();
        assertThat(s.h2c()).isFalse();
        assertThat(s.tlsCertificates()).isEqualTo(dev.fulcrum.tls.CertificateSource.of(Path.of("site.p12"), null,
                null, "p12-secret"));
        assertThat(s.toString()).contains("8443").doesNotContain("p12-secret");
        final FulcrumSettings plain = FulcrumSettings.parse(List.of(), Map.of());
        assertThat(plain.tls()).isFalse();
        assertThat(plain.h2c()).isTrue();
        assertThat(plain.tlsCertificates()).isNull();

        assertRefused(List.of("--tls-port", "8443"), Map.of(), "--tls-port: needs a certificate (expected: "
                + "--tls-cert");
        assertRefused(List.of("--tls-cert-dir", "certs"), Map.of(), "--tls-cert-dir: no TLS listener to use it");
        assertRefused(List.of("--tls-port", "1", "--tls-cert-dir", "certs", "--tls-key", "k.pem"), Map.of(),
                "--tls-key: a key without its certificate");
        assertRefused(List.of("--redirect-https"), Map.of(), "--redirect-https: nowhere to redirect to");
        assertRefused(List.of("--h2c=maybe"), Map.of(), "--h2c: ");
    }

    @Test
    void refusedTokenIsNotEchoed() {
        assertThatThrownBy(() -> FulcrumSettings.parse(List.of("--api-token", "secret!"), Map.of()))
                .hasMessageNotContaining("secret!");
    }

    @Test
    void helpListsEveryOptionWithItsVariable() {
        assertThat(FulcrumSettings.wantsHelp(List.of("--port", "1", "--help"))).isTrue();
        final String help = FulcrumSettings.optionsHelp();
        for (String flag : List.of("--port", "--bind", "--api-port", "--api-bind", "--data-dir", "--api-token")) {
            assertThat(help).contains(flag);
        }
        assertThat(help).contains("FULCRUM_API_TOKEN");
    }

    @Test
    void builderRoundTrips() {
        final FulcrumSettings s = FulcrumSettings.builder().apiPort(0).proxyPort(0).apiToken(TOKEN).build();
        assertThat(s.toBuilder().build().apiToken()).isEqualTo(TOKEN);
        assertThat(s.toBuilder().apiToken(null).build().apiToken()).isNull();
    }

    @Test
    void nodeLocationAndUpstreamLimitsReachTheirSettings() {
        final FulcrumSettings s = FulcrumSettings.parse(List.of("--pop", "lax", "--country", "US", "--region", "WNAM",
                "--latitude", "33.94", "--longitude=-118.41", "--upstream-idle-timeout", "30s",
                "--upstream-max-connections", "64"), Map.of("FULCRUM_CLIENT_COUNTRY_HEADER", "CF-IPCountry"));
        assertThat(s.routing().pop()).isEqualTo("LAX");
        assertThat(s.routing().colo()).isEqualTo("LAX");
        assertThat(s.routing().country()).isEqualTo("US");
        assertThat(s.routing().region()).isEqualTo("WNAM");
        assertThat(s.routing().latitude()).isEqualTo(33.94);
        assertThat(s.routing().longitude()).isEqualTo(-118.41);
        assertThat(s.routing().clientCountryHeader()).isEqualTo("CF-IPCountry");
        assertThat(s.upstream().idleTimeout()).hasSeconds(30);
        assertThat(s.upstream().maxConnectionsPerOrigin()).isEqualTo(64);
        // toBuilder keeps what the text said.
        assertThat(s.toBuilder().build().routing()).isEqualTo(s.routing());
        assertThat(s.toBuilder().build().upstream()).isEqualTo(s.upstream());
    }

    @Test
    void trustedProxiesAreReadFromTheOptionOrTheEnvironmentAndCheckedByName() {
        assertThat(FulcrumSettings.defaults().trustedProxies().isEmpty()).isTrue();
        final FulcrumSettings s = FulcrumSettings.parse(List.of("--trusted-proxies", "10.0.0.0/8, 2001:db8::/32"),
                Map.of("FULCRUM_TRUSTED_PROXIES", "192.0.2.7"));
        assertThat(s.trustedProxies().trusts("10.1.2.3")).isTrue();
        assertThat(s.trustedProxies().trusts("192.0.2.7")).isFalse();
        assertThat(s.toBuilder().build().trustedProxies()).isSameAs(s.trustedProxies());
        assertThat(s.toString()).contains("trustedProxies=[10.0.0.0/8,2001:db8::/32]");
        assertThat(FulcrumSettings.parse(List.of(), Map.of("FULCRUM_TRUSTED_PROXIES", "192.0.2.7")).trustedProxies()
                .trusts("192.0.2.7")).isTrue();
        assertThat(FulcrumSettings.optionsHelp()).contains("--trusted-proxies CIDRS")
                .contains("FULCRUM_TRUSTED_PROXIES");

        assertRefused(List.of("--trusted-proxies=10.0.0.0/33"), Map.of(),
                "--trusted-proxies: '10.0.0.0/33' is not an IP address or CIDR range (expected: ");
        assertRefused(List.of(), Map.of("FULCRUM_TRUSTED_PROXIES", "lb.example.com"),
                "FULCRUM_TRUSTED_PROXIES: 'lb.example.com' is not an IP address or CIDR range");
    }

    @Test
    void defaultsAreCloudflaresUpstreamLimitsAndNoLocation() {
        final FulcrumSettings s = FulcrumSettings.defaults();
        assertThat(s.upstream().idleTimeout()).hasSeconds(900);
        assertThat(s.upstream().connectTimeout()).hasSeconds(19);
        assertThat(s.upstream().readTimeout()).hasSeconds(100);
        assertThat(s.routing().pop()).isNull();
        assertThat(s.routing().hasCoordinates()).isFalse();
    }

    @Test
    void badLocationAndUpstreamValuesAreRefusedWithTheReason() {
        assertRefused(List.of("--upstream-idle-timeout", "soon"), Map.of(), "--upstream-idle-timeout: ");
        assertRefused(List.of("--upstream-max-connections", "0"), Map.of(), "--upstream-max-connections: ");
        // The location is checked as a whole, and named by the options (or variables) that set it.
        assertRefused(List.of("--latitude", "91", "--longitude", "0"), Map.of(), "--latitude: 91");
        assertRefused(List.of("--latitude", "10"), Map.of(), "--latitude/--longitude (FULCRUM_LONGITUDE): 10.0/NaN");
        assertRefused(List.of("--country", "USA"), Map.of(), "--country: USA");
        assertRefused(List.of("--region", "MARS"), Map.of(), "--region: MARS");
        assertRefused(List.of(), Map.of("FULCRUM_REGION", "MARS"), "FULCRUM_REGION: MARS");
    }

    @Test
    void aDurationWithoutAUnitIsRefusedNamingTheOptionOrTheVariable() {
        assertRefused(List.of("--upstream-connect-timeout", "5"), Map.of(),
                "--upstream-connect-timeout: 5 has no unit (expected: a positive duration such as 19s, 500ms or 15m;");
        assertRefused(List.of(), Map.of("FULCRUM_UPSTREAM_READ_TIMEOUT", "250"),
                "FULCRUM_UPSTREAM_READ_TIMEOUT: 250 has no unit");
        // The forms with a unit keep working.
        final FulcrumSettings s = FulcrumSettings.parse(List.of("--upstream-connect-timeout=5s",
                "--upstream-read-timeout", "1500ms"), Map.of("FULCRUM_UPSTREAM_IDLE_TIMEOUT", "15m"));
        assertThat(s.upstream().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.upstream().readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.upstream().idleTimeout()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void eachKindOfValueReachesItsSettingFromTheCommandLineAndTheEnvironment() {
        final FulcrumSettings s = FulcrumSettings.parse(List.of("--upstream-replay-buffer", "1MiB", "--access-log=1",
                "--upstream-max-queued", "16", "--bind", "127.0.0.2", "--data-dir", "state"),
                Map.of("FULCRUM_METRICS_JMX", "on", "FULCRUM_METRICS_PUBLIC", "no", "FULCRUM_API_PORT", "0"));
        assertThat(s.upstream().replayBufferBytes()).isEqualTo(1 << 20);
        assertThat(s.accessLog()).isTrue();
        assertThat(s.metricsJmx()).isTrue();
        assertThat(s.metricsPublic()).isFalse();
        assertThat(s.upstream().maxQueuedPerOrigin()).isEqualTo(16);
        assertThat(s.proxyBind()).isEqualTo("127.0.0.2");
        assertThat(s.apiPort()).isZero();
        assertThat(s.dataDir()).as("the standalone's paths stay relative to the working directory")
                .isEqualTo(Path.of("state"));
        assertThat(s.get(SettingsTable.UPSTREAM_REPLAY_BUFFER)).isEqualTo(1 << 20);

        assertRefused(List.of("--upstream-replay-buffer", "64KB"), Map.of(),
                "--upstream-replay-buffer: '64KB' is not a size (expected: a number of bytes, alone or with B, KiB");
        assertRefused(List.of(), Map.of("FULCRUM_ACCESS_LOG", "sometimes"),
                "FULCRUM_ACCESS_LOG: 'sometimes' is not a switch value");
    }

    @Test
    void anEmptyValueIsRefusedOnTheCommandLineUnlessTheSettingHasNoDefault() {
        assertRefused(List.of("--data-dir="), Map.of(), "--data-dir: '' is not a usable path");
        assertRefused(List.of("--upstream-idle-timeout", ""), Map.of(), "--upstream-idle-timeout: '' ");
        // Without a default, empty clears it: here the key the environment gave.
        final String key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        assertThat(FulcrumSettings.parse(List.of(), Map.of("FULCRUM_AFFINITY_KEY", key)).affinityKey()).isEqualTo(key);
        assertThat(FulcrumSettings.parse(List.of("--affinity-key="), Map.of("FULCRUM_AFFINITY_KEY", key))
                .affinityKey()).isNull();
        // An empty variable is no value at all.
        assertThat(FulcrumSettings.parse(List.of(), Map.of("FULCRUM_PORT", "")).proxyPort()).isEqualTo(8080);
    }

    @Test
    void aSettingTheStandaloneDoesNotOfferIsRefusedSayingWhy() {
        assertRefused(List.of("--upstream-selectors", "4"), Map.of(), "--upstream-selectors: not used by the "
                + "standalone (sized by Fulcrum for its non-blocking proxy: one selector per CPU)");
        assertThat(FulcrumSettings.parse(List.of(), Map.of("FULCRUM_UPSTREAM_SELECTORS", "x")).upstream().selectors())
                .as("no such variable: nothing reads it").isEqualTo(1);
        assertThat(FulcrumSettings.optionsHelp()).doesNotContain("--upstream-selectors");
    }

    @Test
    void theUpstreamThreadsMustFitTheSelectorsNamingTheSetting() {
        assertThatThrownBy(() -> FulcrumSettings.builder().host(SettingHost.TOMCAT_VALVE)
                .text(SettingsTable.UPSTREAM_SELECTORS, "4", "upstreamSelectors")
                .text(SettingsTable.UPSTREAM_MAX_THREADS, "6", "upstreamMaxThreads").build())
                .isInstanceOf(FulcrumSettings.InvalidSettingException.class)
                .hasMessage("upstreamMaxThreads: 6 (expected: at least 8, the selectors plus 4)");
        assertThat(FulcrumSettings.builder().selectorCallbacks().build().upstream().selectors())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(FulcrumSettings.builder().selectorCallbacks().build().upstream().nonBlocking()).isTrue();
    }

    @Test
    void valuesGivenInCodeAreCheckedByTheirRow() {
        assertThatThrownBy(() -> FulcrumSettings.builder().proxyPort(70_000))
                .hasMessage("'70000' is not a port number (expected: 0-65535)");
        assertThatThrownBy(() -> FulcrumSettings.builder().set(SettingsTable.UPSTREAM_IDLE_TIMEOUT, Duration.ZERO))
                .hasMessageStartingWith("0s (expected: a positive duration");
        assertThat(FulcrumSettings.builder().set(SettingsTable.UPSTREAM_IDLE_TIMEOUT, Duration.ofSeconds(30)).build()
                .upstream().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void relativePathsAreUnderTheBaseDirectoryGivenOrNot() {
        final Path base = Path.of("/srv/base");
        final FulcrumSettings s = FulcrumSettings.builder().baseDirectory(base)
                .text(SettingsTable.ORIGIN_CA, "ca/../ca.pem", "originCa").build();
        assertThat(s.dataDir()).isEqualTo(base.resolve("fulcrum-data"));
        assertThat(s.originCa()).isEqualTo(base.resolve("ca.pem"));
        assertThat(s.toBuilder().build().dataDir()).isEqualTo(base.resolve("fulcrum-data"));
        assertThat(FulcrumSettings.builder().baseDirectory(base).dataDir(Path.of("/var/lib/fulcrum")).build()
                .dataDir()).isEqualTo(Path.of("/var/lib/fulcrum"));
    }

    private static void assertRefused(List<String> args, Map<String, String> env, String message) {
        assertThatThrownBy(() -> FulcrumSettings.parse(args, env))
                .isInstanceOf(FulcrumSettings.InvalidSettingException.class)
                .hasMessageStartingWith(message);
    }
}
