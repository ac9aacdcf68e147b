package dev.fulcrum.upstream;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The record's own rules; its text forms are read by the runtime's settings table (SettingTypeTest). */
class UpstreamSettingsTest {

    @Test
    void defaultsFollowCloudflaresLimits() {
        final UpstreamSettings d = UpstreamSettings.DEFAULTS;
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(19));
        assertThat(d.readTimeout()).isEqualTo(Duration.ofSeconds(100));
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void namesTheFieldTheValueAndTheExpectationOnBadInput() {
        assertThatThrownBy(() -> UpstreamSettings.DEFAULTS.withReadTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readTimeout: PT0S (expected: a positive duration)");
        assertThatThrownBy(() -> new UpstreamSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0, 1, 0, 1, 5, false, null, true))
                .hasMessage("maxConnectionsPerOrigin: 0 (expected: at least 1)");
        assertThatThrownBy(() -> new UpstreamSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, 1, 0, 1, 3, false, null, true))
                .hasMessage("maxThreads: 3 (expected: at least 5)");
    }

    @Test
    void nonBlockingCallbacksAreOffUnlessAsked() {
        assertThat(UpstreamSettings.DEFAULTS.nonBlocking()).isFalse();
        assertThat(UpstreamSettings.DEFAULTS.withNonBlocking(true).withReadTimeout(Duration.ofSeconds(1))
                .nonBlocking()).as("kept by the other with-methods").isTrue();
    }
}
