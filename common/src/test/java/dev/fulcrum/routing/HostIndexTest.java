package dev.fulcrum.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostIndexTest {

    @Test
    void normaliseStripsPortAndTrailingDotAndLowerCases() {
        assertThat(HostIndex.normalise("www.example.com")).isEqualTo("www.example.com");
        assertThat(HostIndex.normalise("WWW.Example.COM:443")).isEqualTo("www.example.com");
        assertThat(HostIndex.normalise("www.example.com.")).isEqualTo("www.example.com");
        assertThat(HostIndex.normalise("www.example.com.:8080")).isEqualTo("www.example.com");
        assertThat(HostIndex.normalise("[2001:db8::1]:8080")).isEqualTo("[2001:db8::1]");
        assertThat(HostIndex.normalise("")).isNull();
        assertThat(HostIndex.normalise(":80")).isNull();
        assertThat(HostIndex.normalise(".")).isNull();
        assertThat(HostIndex.normalise(null)).isNull();
    }

    @Test
    void lowerCaseHostIsNotCopied() {
        final String host = "api.example.com";
        assertThat(HostIndex.normalise(host)).isSameAs(host);
    }
}
