package dev.fulcrum.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

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
        assertThat(ForwardHeaders.forwardedFor(List.of(), "192.0.2.1", "192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(ForwardHeaders.forwardedFor(List.of(" "), "192.0.2.1", "192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(ForwardHeaders.forwardedFor(List.of("198.51.100.9"), "192.0.2.1", "192.0.2.1"))
                .isEqualTo("198.51.100.9, 192.0.2.1");
        assertThat(ForwardHeaders.cdnLoop(null)).isEqualTo("fulcrum");
        assertThat(ForwardHeaders.cdnLoop("cloudflare")).isEqualTo("cloudflare, fulcrum");
        assertThat(ForwardHeaders.visitor("HTTPS")).isEqualTo("{\"scheme\":\"https\"}");
        assertThat(ForwardHeaders.visitor("http")).isEqualTo("{\"scheme\":\"http\"}");
        assertThat(ForwardHeaders.newRayId("SJC")).matches("[0-9a-f]{16}-SJC");
    }

    @Test
    void severalForwardedForFieldsAreOneChain() {
        assertThat(ForwardHeaders.forwardedFor(List.of("198.51.100.1", " ", "198.51.100.2 "), "192.0.2.1",
                "192.0.2.1")).isEqualTo("198.51.100.1, 198.51.100.2, 192.0.2.1");
    }

    @Test
    void behindAProxyTheChainHoldsTheDerivedClientOnceAndEndsWithThePeer() {
        // The container left the client in the chain (Jetty's customizer, TrustedProxies): only the peer is added.
        assertThat(ForwardHeaders.forwardedFor(List.of("203.0.113.7"), "203.0.113.7", "10.0.0.5"))
                .isEqualTo("203.0.113.7, 10.0.0.5");
        assertThat(ForwardHeaders.forwardedFor(List.of("198.51.100.1, 203.0.113.7"), "203.0.113.7", "10.0.0.5"))
                .isEqualTo("198.51.100.1, 203.0.113.7, 10.0.0.5");
        assertThat(ForwardHeaders.forwardedFor(List.of("[2001:db8::7]:4711"), "2001:DB8::7", "10.0.0.5"))
                .isEqualTo("[2001:db8::7]:4711, 10.0.0.5");
        // The container took the client out of the chain (Tomcat's RemoteIpValve): it is put back before the peer.
        assertThat(ForwardHeaders.forwardedFor(List.of(), "203.0.113.7", "10.0.0.5"))
                .isEqualTo("203.0.113.7, 10.0.0.5");
        assertThat(ForwardHeaders.forwardedFor(List.of("198.51.100.1"), "203.0.113.7", "10.0.0.5"))
                .isEqualTo("198.51.100.1, 203.0.113.7, 10.0.0.5");
    }

    @Test
    void anUnknownPeerLeavesTheChainEndingWithTheClient() {
        assertThat(ForwardHeaders.forwardedFor(List.of(), "192.0.2.1", null)).isEqualTo("192.0.2.1");
        assertThat(ForwardHeaders.forwardedFor(List.of("198.51.100.9"), "192.0.2.1", null))
                .isEqualTo("198.51.100.9, 192.0.2.1");
        assertThat(ForwardHeaders.forwardedFor(List.of("192.0.2.1"), "192.0.2.1", null)).isEqualTo("192.0.2.1");
    }

    @Test
    void entryAddressDropsPortsAndBrackets() {
        assertThat(ForwardHeaders.entryAddress(" 192.0.2.1 ")).isEqualTo("192.0.2.1");
        assertThat(ForwardHeaders.entryAddress("192.0.2.1:4711")).isEqualTo("192.0.2.1");
        assertThat(ForwardHeaders.entryAddress("2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(ForwardHeaders.entryAddress("[2001:db8::1]")).isEqualTo("2001:db8::1");
        assertThat(ForwardHeaders.entryAddress("[2001:db8::1]:4711")).isEqualTo("2001:db8::1");
        assertThat(ForwardHeaders.entryAddress("unknown")).isEqualTo("unknown");
    }

    @Test
    void requestHeadersComeInAFixedOrder() {
        assertThat(ForwardHeaders.requestHeaders("192.0.2.1", "192.0.2.1", "https", List.of(), null,
                "0123456789abcdef-FUL"))
                .extracting(java.util.Map.Entry::getKey)
                .containsExactly("X-Forwarded-For", "X-Forwarded-Proto", "CF-Connecting-IP", "CF-Ray", "CF-Visitor",
                        "CDN-Loop");
    }
}
