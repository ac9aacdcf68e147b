package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static org.assertj.core.api.Assertions.assertThat;

class ProbeTargetTest {

    private static final String POOL = "abcdef0123456789abcdef0123456789";

    @Test
    void portZeroMeansTheOriginPortThenTheSchemeDefault() {
        assertThat(ProbeTarget.of(monitor("m", "http"), POOL, origin("a", "10.0.0.1", 8080)).port()).isEqualTo(8080);
        assertThat(ProbeTarget.of(monitor("m", "http"), POOL, origin("a", "10.0.0.1", 0)).port()).isEqualTo(80);
        assertThat(ProbeTarget.of(monitor("m", "https"), POOL, origin("a", "10.0.0.1", 0)).port()).isEqualTo(443);
        assertThat(ProbeTarget.of(monitor("m", "smtp"), POOL, origin("a", "10.0.0.1", 0)).port()).isEqualTo(25);
        final Monitor on9000 = Fixtures.withHeaderAndPort(monitor("m", "https"), Map.of(), 9000);
        assertThat(ProbeTarget.of(on9000, POOL, origin("a", "10.0.0.1", 8443)).port()).isEqualTo(9000);
    }

    @Test
    void hostIsTheOriginOverrideThenTheMonitorHostThenTheAddress() {
        final Monitor withHost = Fixtures.withHeaderAndPort(monitor("m", "https"),
                Map.of("host", List.of("monitor.example"), "user-agent", List.of("x"), "X-Id", List.of("1")), 0);

        assertThat(ProbeTarget.of(monitor("m", "https"), POOL, origin("a", "10.0.0.1", 0)).host())
                .isEqualTo("10.0.0.1");
        assertThat(ProbeTarget.of(monitor("m", "https"), POOL, origin("a", "2001:db8::1", 0)).host())
                .isEqualTo("[2001:db8::1]");
        final ProbeTarget byMonitor = ProbeTarget.of(withHost, POOL, origin("a", "10.0.0.1", 0));
        assertThat(byMonitor.host()).isEqualTo("monitor.example");
        assertThat(byMonitor.headers()).containsOnlyKeys("X-Id");
        assertThat(ProbeTarget.of(withHost, POOL, Fixtures.withHost(origin("a", "10.0.0.1", 0), "origin.example"))
                .host()).isEqualTo("origin.example");
    }

    @Test
    void userAgentNamesTheFirstSixteenCharactersOfThePoolId() {
        assertThat(ProbeTarget.of(monitor("m", "http"), POOL, origin("a", "10.0.0.1", 0)).userAgent())
                .isEqualTo("Mozilla/5.0 (compatible; Cloudflare-Traffic-Manager/1.0; "
                        + "+https://www.cloudflare.com/traffic-manager/; pool-id: abcdef0123456789)");
    }

    @Test
    void unprobeableMonitorsCarryAConfigError() {
        assertThat(ProbeTarget.of(monitor("m", "gopher"), POOL, origin("a", "10.0.0.1", 0)).configError())
                .isEqualTo("type: \"gopher\" (expected: http, https, tcp, udp_icmp, icmp_ping, smtp)");
        assertThat(ProbeTarget.of(monitor("m", "udp_icmp"), POOL, origin("a", "10.0.0.1", 0)).configError())
                .isEqualTo("port: 0 (expected: a port on the udp_icmp monitor or the origin)");
        assertThat(ProbeTarget.of(Fixtures.withPath(monitor("m", "http"), "health"), POOL,
                origin("a", "10.0.0.1", 0)).configError()).isEqualTo("path: \"health\" (expected: starts with /)");
        assertThat(ProbeTarget.of(monitor("m", "http"), POOL, origin("a", "10.0.0.1", 0)).configError()).isNull();
    }

    @Test
    void equalConfigurationGivesEqualTargets() {
        final Monitor a = monitor("m", "http");
        final Monitor described = Fixtures.withDescription(a, "renamed and touched");

        assertThat(CheckPlan.of(described, POOL, origin("x", "10.0.0.1", 80)))
                .isEqualTo(CheckPlan.of(a, POOL, origin("renamed", "10.0.0.1", 80)));
        assertThat(CheckPlan.of(a, POOL, origin("x", "10.0.0.1", 80)))
                .isNotEqualTo(CheckPlan.of(Fixtures.withTiming(a, 1, 0, 2), POOL, origin("x", "10.0.0.1", 80)));
    }
}
