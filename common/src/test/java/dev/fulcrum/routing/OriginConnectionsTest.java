package dev.fulcrum.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OriginConnectionsTest {

    @Test
    void countsPerDestinationAndNeverBelowZero() {
        final OriginConnections c = new OriginConnections();
        assertThat(c.reported()).isFalse();
        c.opened("origin.example.net", 80);
        c.opened("Origin.Example.NET", 80);
        c.opened("origin.example.net", 443);
        assertThat(c.reported()).isTrue();
        assertThat(c.open("origin.example.net", 80)).isEqualTo(2);
        assertThat(c.open("origin.example.net", 443)).isEqualTo(1);
        c.closed("origin.example.net", 80);
        c.closed("origin.example.net", 80);
        c.closed("origin.example.net", 80);
        c.closed("never.example.net", 80);
        assertThat(c.open("origin.example.net", 80)).isZero();
        assertThat(c.open("never.example.net", 80)).isZero();
    }

    @Test
    void ipv6WithAndWithoutBracketsIsOneDestination() {
        final OriginConnections c = new OriginConnections();
        c.opened("[2001:db8::1]", 8080);
        c.opened("2001:DB8::1", 8080);
        assertThat(c.open("2001:db8::1", 8080)).isEqualTo(2);
        assertThat(c.counter("2001:db8::1", 8080).get()).isEqualTo(2);
    }
}
