package dev.fulcrum.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client behind trusted proxies: the rightmost untrusted hop, never a header from an untrusted peer. */
class TrustedProxiesTest {

    private static final TrustedProxies PROXIES = TrustedProxies.parse("10.0.0.0/8, 192.0.2.7 2001:db8::/32");

    @Test
    void anUntrustedPeerIsTheClientWhateverItSends() {
        assertThat(PROXIES.clientOf("198.51.100.9", List.of("203.0.113.7"))).isEqualTo("198.51.100.9");
        assertThat(PROXIES.clientOf("198.51.100.9", List.of())).isEqualTo("198.51.100.9");
        assertThat(TrustedProxies.NONE.clientOf("10.0.0.5", List.of("203.0.113.7"))).isEqualTo("10.0.0.5");
    }

    @Test
    void aTrustedPeerNamesTheRightmostUntrustedHop() {
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        // The leftmost entry is whatever the client wrote: never read past the first untrusted hop.
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("6.6.6.6, 203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("6.6.6.6, 203.0.113.7, 192.0.2.7, 10.1.2.3")))
                .isEqualTo("203.0.113.7");
        // Several fields are one list, the last field holding the nearest hops.
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("203.0.113.7", "192.0.2.7"))).isEqualTo("203.0.113.7");
        assertThat(PROXIES.clientOf("2001:db8::5", List.of("2001:db9::7, 2001:db8:1::6")))
                .isEqualTo("2001:db9::7");
    }

    @Test
    void portsBracketsAndEmptyEntriesAreTolerated() {
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("203.0.113.7:4711"))).isEqualTo("203.0.113.7");
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("[2001:db9::7]:4711, "))).isEqualTo("2001:db9::7");
        assertThat(PROXIES.clientOf("[2001:db8::5]", List.of("203.0.113.7,,"))).isEqualTo("203.0.113.7");
        assertThat(PROXIES.clientOf("::ffff:10.0.0.5", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
    }

    @Test
    void aMalformedHopStopsAtTheTrustedProxyThatReportedIt() {
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("unknown"))).isEqualTo("10.0.0.5");
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("203.0.113.7, unknown, 10.0.0.9"))).isEqualTo("10.0.0.9");
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("example.com"))).isEqualTo("10.0.0.5");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        assertThat(PROXIES.clientOf("10.0.0.5", List.of("10.0.0.8, 192.0.2.7"))).isEqualTo("10.0.0.8");
        assertThat(PROXIES.clientOf("10.0.0.5", List.of())).isEqualTo("10.0.0.5");
    }

    @Test
    void parsesListsAndKeepsTheirText() {
        assertThat(PROXIES.trusts("10.255.255.255")).isTrue();
        assertThat(PROXIES.trusts("11.0.0.0")).isFalse();
        assertThat(PROXIES.trusts("192.0.2.7")).isTrue();
        assertThat(PROXIES.trusts("192.0.2.8")).isFalse();
        assertThat(PROXIES.trusts("2001:db8:ffff::1")).isTrue();
        assertThat(PROXIES.trusts(null)).isFalse();
        assertThat(PROXIES).hasToString("10.0.0.0/8,192.0.2.7,2001:db8::/32");
        assertThat(TrustedProxies.parse(" ")).isSameAs(TrustedProxies.NONE);
        assertThat(TrustedProxies.parse(null).isEmpty()).isTrue();
        assertThat(TrustedProxies.parse("0.0.0.0/0").trusts("203.0.113.7")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0/8", "proxy.example.com", "10.0.0.0/", "10.0.0.0/-1",
        "2001:db8::/129", "10.0.0.0/8/8"})
    void refusesWhatIsNoAddressOrRangeNamingIt(String entry) {
        assertThatThrownBy(() -> TrustedProxies.parse("192.0.2.7, " + entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + entry + "' is not an IP address or CIDR range (expected: a comma-separated list of "
                        + "IP addresses and CIDR ranges, e.g. 10.0.0.0/8, 192.0.2.7, 2001:db8::/32)");
    }
}
