package dev.fulcrum.upstream;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyHeadersTest {

    @Test
    void connectionTokensAreHopByHopForThisMessage() {
        final Set<String> tokens = ProxyHeaders.connectionTokens(Arrays.asList("close, X-Trace", null, " x-other "));

        assertThat(tokens).containsExactlyInAnyOrder("close", "x-trace", "x-other");
        assertThat(ProxyHeaders.forwardsRequestHeader("X-Trace", tokens)).isFalse();
        assertThat(ProxyHeaders.forwardsResponseHeader("X-Other", tokens)).isFalse();
        assertThat(ProxyHeaders.forwardsRequestHeader("X-Kept", tokens)).isTrue();
    }

    @Test
    void dropsTheStandardHopByHopHeadersBothWays() {
        for (String name : new String[]{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
                "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Connection"}) {
            assertThat(ProxyHeaders.forwardsRequestHeader(name, Set.of())).as(name).isFalse();
            assertThat(ProxyHeaders.forwardsResponseHeader(name, Set.of())).as(name).isFalse();
        }
    }

    @Test
    void hostAndExpectAreHandledByTheWrapperAndAccelHeadersNeverReachClients() {
        assertThat(ProxyHeaders.forwardsRequestHeader("Host", Set.of())).isFalse();
        assertThat(ProxyHeaders.forwardsRequestHeader("Expect", Set.of())).isFalse();
        assertThat(ProxyHeaders.forwardsResponseHeader("X-Accel-Redirect", Set.of())).isFalse();
        assertThat(ProxyHeaders.forwardsResponseHeader("x-accel-buffering", Set.of())).isFalse();
        assertThat(ProxyHeaders.forwardsRequestHeader("X-Accel-Redirect", Set.of())).isTrue();
        assertThat(ProxyHeaders.forwardsResponseHeader("Set-Cookie", Set.of())).isTrue();
    }

    @Test
    void classifiesRequestBodies() {
        assertThat(RequestBody.classify("GET", "HTTP/1.1", -1, false, 1024)).isEqualTo(RequestBody.NONE);
        assertThat(RequestBody.classify("POST", "HTTP/1.1", 0, false, 1024)).isEqualTo(RequestBody.NONE);
        assertThat(RequestBody.classify("POST", "HTTP/1.1", 1024, false, 1024)).isEqualTo(RequestBody.BUFFERED);
        assertThat(RequestBody.classify("POST", "HTTP/1.1", 1025, false, 1024)).isEqualTo(RequestBody.STREAMED);
        assertThat(RequestBody.classify("POST", "HTTP/1.1", -1, true, 1024)).isEqualTo(RequestBody.STREAMED);
        assertThat(RequestBody.classify("POST", "HTTP/2.0", -1, false, 1024)).isEqualTo(RequestBody.STREAMED);
        assertThat(RequestBody.classify("GET", "HTTP/2.0", -1, false, 1024)).isEqualTo(RequestBody.NONE);
        assertThat(RequestBody.STREAMED.replayable()).isFalse();
    }

    @Test
    void hopByHopConnectionTokensNeedNoSetAndNamesMatchInAnyCase() {
        assertThat(ProxyHeaders.connectionTokens(Arrays.asList("keep-alive", "Keep-Alive, Upgrade", ",,"))).isEmpty();
        final Set<String> tokens = ProxyHeaders.connectionTokens(Arrays.asList("KEEP-ALIVE, X-Mine"));
        assertThat(tokens).containsExactly("x-mine");
        assertThat(ProxyHeaders.forwardsResponseHeader("keep-alive", tokens)).isFalse();
        assertThat(ProxyHeaders.forwardsResponseHeader("X-MINE", tokens)).isFalse();

        // The length-indexed check agrees with plain lower-cased set lookups for every listed name and neighbours.
        for (String name : new String[]{"TRANSFER-ENCODING", "transfer-encodinG", "Transfer-Encodings", "Date",
                "Server", "HOST", "Expect", "Expects", "X-ACCEL-CHARSET", "X-Accel-Limit-Rate", "Content-Length", "T",
                "", "Proxy-Connection", "Proxy-Connectio"}) {
            final String lower = name.toLowerCase(Locale.ROOT);
            assertThat(ProxyHeaders.forwardsRequestHeader(name, Set.of())).as(name)
                    .isEqualTo(!ProxyHeaders.HOP_BY_HOP.contains(lower)
                               && !ProxyHeaders.REPLACED_IN_REQUESTS.contains(lower));
            assertThat(ProxyHeaders.forwardsResponseHeader(name, Set.of())).as(name)
                    .isEqualTo(!ProxyHeaders.HOP_BY_HOP.contains(lower)
                               && !ProxyHeaders.STRIPPED_FROM_RESPONSES.contains(lower));
        }
    }
}
