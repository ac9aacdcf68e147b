package dev.fulcrum.upstream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamSettingsTest {

    @Test
    void defaultsFollowCloudflaresLimits() {
        final UpstreamSettings d = UpstreamSettings.DEFAULTS;
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(19));
        assertThat(d.readTimeout()).isEqualTo(Duration.ofSeconds(100));
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(900));
        assertThat(UpstreamSettings.from(Map.of())).isEqualTo(d);
    }

    @Test
    void parsesDurationsWithUnitsAndIntegers() {
        final UpstreamSettings s = UpstreamSettings.from(Map.of(
                UpstreamSettings.CONNECT_TIMEOUT, "5s",
                UpstreamSettings.READ_TIMEOUT, "1500ms",
                UpstreamSettings.IDLE_TIMEOUT, " 15m ",
                UpstreamSettings.MAX_CONNECTIONS_PER_ORIGIN, "64",
                UpstreamSettings.REPLAY_BUFFER_BYTES, "0",
                UpstreamSettings.MAX_THREADS, "32"));

        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.maxConnectionsPerOrigin()).isEqualTo(64);
        assertThat(s.replayBufferBytes()).isZero();
        assertThat(s.maxThreads()).isEqualTo(32);
        assertThat(UpstreamSettings.from(Map.of(UpstreamSettings.READ_TIMEOUT, "250")).readTimeout())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void namesTheKeyTheValueAndTheExpectationOnBadInput() {
        assertThatThrownBy(() -> UpstreamSettings.from(Map.of(UpstreamSettings.CONNECT_TIMEOUT, "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("upstreamConnectTimeout: soon (expected: a positive duration such as 19s, 500ms or 15m)");
        assertThatThrownBy(() -> UpstreamSettings.from(Map.of(UpstreamSettings.READ_TIMEOUT, "0s")))
                .hasMessageStartingWith("upstreamReadTimeout: 0s");
        assertThatThrownBy(() -> UpstreamSettings.from(Map.of(UpstreamSettings.MAX_CONNECTIONS_PER_ORIGIN, "x")))
                .hasMessage("upstreamMaxConnectionsPerOrigin: x (expected: an integer)");
        assertThatThrownBy(() -> UpstreamSettings.from(Map.of(UpstreamSettings.MAX_CONNECTIONS_PER_ORIGIN, "0")))
                .hasMessage("upstreamMaxConnectionsPerOrigin: 0 (expected: at least 1)");
        assertThatThrownBy(() -> UpstreamSettings.from(Map.of(UpstreamSettings.MAX_THREADS, "3")))
                .hasMessage("upstreamMaxThreads: 3 (expected: at least 5)");
    }

    @Test
    void nonBlockingCallbacksAreOffUnlessAsked() {
        assertThat(UpstreamSettings.DEFAULTS.nonBlocking()).isFalse();
        assertThat(UpstreamSettings.from(Map.of(UpstreamSettings.NON_BLOCKING, " TRUE ")).nonBlocking()).isTrue();
        assertThat(UpstreamSettings.DEFAULTS.withNonBlocking(true).withReadTimeout(Duration.ofSeconds(1))
                .nonBlocking()).as("kept by the other with-methods").isTrue();
        assertThatThrownBy(() -> UpstreamSettings.from(Map.of(UpstreamSettings.NON_BLOCKING, "yes")))
                .hasMessage("upstreamNonBlocking: yes (expected: true or false)");
    }
}
