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

        assertRefused(List.of("--header-timeout", "soon"), Map.of(), "--header-timeout: 'soon' is not a duration");
        assertRefused(List.of("--drain", "-1s"), Map.of(), "--drain: '-1s' is not a duration");
        assertRefused(List.of("--max-connections-per-client", "-2"), Map.of(),
                "--max-connections-per-client: '-2' is not a count (expected: an integer of at least 0)");
        assertRefused(List.of("--underscores-in-headers=maybe"), Map.of(), "--underscores-in-headers: 'maybe'");
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
        assertRefused(List.of("--latitude", "91", "--longitude", "0"), Map.of(), "node location: latitude: 91");
        assertRefused(List.of("--latitude", "10"), Map.of(), "node location: latitude/longitude");
        assertRefused(List.of("--country", "USA"), Map.of(), "node location: country");
        assertRefused(List.of("--region", "MARS"), Map.of(), "node location: region: MARS");
    }

    private static void assertRefused(List<String> args, Map<String, String> env, String message) {
        assertThatThrownBy(() -> FulcrumSettings.parse(args, env))
                .isInstanceOf(FulcrumSettings.InvalidSettingException.class)
                .hasMessageStartingWith(message);
    }
}
