package dev.fulcrum.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardHeadersTest {

    @Test
    void loopDetectionMatchesOurCdnIdOnly() {
        assertThat(ForwardHeaders.isLoop("fulcrum")).isTrue();
        assertThat(ForwardHeaders.isLoop(" Fulcrum ")).isTrue();
        assertThat(ForwardHeaders.isLoop("cloudflare, fulcrum; loops=2")).isTrue();
        assertThat(ForwardHeaders.isLoop("cloudflare,fulcrum")).isTrue();
        assertThat(ForwardHeaders.isLoop(null)).isFalse();
        assertThat(ForwardHeaders.isLoop("")).isFalse();
        assertThat(ForwardHeaders.isLoop("cloudflare")).isFalse();
        assertThat(ForwardHeaders.isLoop("fulcrums")).isFalse();
        assertThat(ForwardHeaders.isLoop("cdn; via=fulcrum")).isFalse();
    }

    @Test
    void valuesAreBuiltAsSpecified() {
        assertThat(ForwardHeaders.forwardedFor(null, "192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(ForwardHeaders.forwardedFor(" ", "192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(ForwardHeaders.forwardedFor("198.51.100.9", "192.0.2.1")).isEqualTo("198.51.100.9, 192.0.2.1");
        assertThat(ForwardHeaders.cdnLoop(null)).isEqualTo("fulcrum");
        assertThat(ForwardHeaders.cdnLoop("cloudflare")).isEqualTo("cloudflare, fulcrum");
        assertThat(ForwardHeaders.visitor("HTTPS")).isEqualTo("{\"scheme\":\"https\"}");
        assertThat(ForwardHeaders.visitor("http")).isEqualTo("{\"scheme\":\"http\"}");
        assertThat(ForwardHeaders.newRayId("SJC")).matches("[0-9a-f]{16}-SJC");
    }

    @Test
    void requestHeadersComeInAFixedOrder() {
        assertThat(ForwardHeaders.requestHeaders("192.0.2.1", "https", null, null, "0123456789abcdef-FUL"))
                .extracting(java.util.Map.Entry::getKey)
                .containsExactly("X-Forwarded-For", "X-Forwarded-Proto", "CF-Connecting-IP", "CF-Ray", "CF-Visitor",
                        "CDN-Loop");
    }
}
