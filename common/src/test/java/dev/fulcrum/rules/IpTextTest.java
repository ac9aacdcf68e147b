package dev.fulcrum.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** IP literals without lookups: what parses matches the JDK's reading of the same literal; the rest is refused. */
class IpTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "192.0.2.1", "::", "::1", "1::", "1:2:3:4:5:6:7::",
        "2001:db8::8a2e:370:7334", "2001:DB8:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4",
        "fe80::1:2"})
    void parsesLikeTheJdk(String literal) throws Exception {
        assertThat(IpText.parse(literal)).isEqualTo(InetAddress.getByName(literal).getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:192.0.2.1", "0:0:0:0:0:ffff:c000:201"})
    void foldsMappedAddressesToIpv4(String literal) {
        assertThat(IpText.parse(literal)).containsExactly(192, 0, 2, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "256.0.0.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.", "1..2.3", "a.b.c.d",
        "1:2:3:4:5:6:7:8:9", "1::2::3", ":1", "1:", ":::", "12345::", "g::", "1:2:3:4:5:6:7::8", "1.2.3.4::",
        "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "example.com", "1:2:3:4:5:6:7"})
    void refusesWhatIsNoAddress(String text) {
        assertThat(IpText.parse(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[2001:db8::1]", "2001:db8::1%eth0", "[2001:db8::1%25eth0]"})
    void clientAddressesLoseBracketsAndZones(String text) {
        assertThat(IpText.parseClient(text)).isEqualTo(IpText.parse("2001:db8::1"));
    }
}
