package dev.fulcrum.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Host values as URI hosts and as TLS names. */
class ConnectToTest {

    @Test
    void uriHostDropsThePortAndBracketsIpv6() {
        assertThat(ConnectTo.uriHost("example.com")).isEqualTo("example.com");
        assertThat(ConnectTo.uriHost("example.com:8443")).isEqualTo("example.com");
        assertThat(ConnectTo.uriHost("[2001:db8::1]:443")).isEqualTo("[2001:db8::1]");
        assertThat(ConnectTo.uriHost("2001:db8::1")).isEqualTo("[2001:db8::1]");
    }

    @Test
    void peerNameIsTheLowerCaseHostWithoutPortOrBrackets() {
        assertThat(ConnectTo.peerName("WWW.Example.com:8443")).isEqualTo("www.example.com");
        assertThat(ConnectTo.peerName("[2001:DB8::1]:443")).isEqualTo("2001:db8::1");
        assertThat(ConnectTo.peerName("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(ConnectTo.peerName(" ")).isNull();
        assertThat(ConnectTo.peerName(null)).isNull();
        assertThat(ConnectTo.of("10.0.0.1", "10.0.0.1", null)).isNull();
        assertThat(ConnectTo.of("[::1]", "::1", "Origin.Test")).isEqualTo(new ConnectTo("[::1]", "::1", "origin.test"));
    }

    @Test
    void ipLiteralsGetNoSni() {
        assertThat(OriginTls.isIpLiteral("10.0.0.1")).isTrue();
        assertThat(OriginTls.isIpLiteral("::1")).isTrue();
        assertThat(OriginTls.isIpLiteral("[::1]")).isTrue();
        assertThat(OriginTls.isIpLiteral("localhost")).isFalse();
        assertThat(OriginTls.isIpLiteral("1.example")).isFalse();
    }
}
