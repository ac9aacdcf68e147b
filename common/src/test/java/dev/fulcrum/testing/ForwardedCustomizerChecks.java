package dev.fulcrum.testing;

import static dev.fulcrum.testing.ProxiedClients.HASHED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Jetty's own {@code ForwardedRequestCustomizer} (the {@code http-forwarded} module) gives a Fulcrum host on
 * Jetty: the request's remote address becomes the leftmost {@code X-Forwarded-For} entry, from any peer.
 */
public final class ForwardedCustomizerChecks {

    private ForwardedCustomizerChecks() {
    }

    /** The client claimed by the peer is everyone's; the origin gets {@code chain} for it. */
    public static void assertCustomizersClient(HostUnderTest host, String chain) throws Exception {
        try (ProxiedClients parties = ProxiedClients.start(host)) {
            final LoopbackOrigin.Seen seen = parties.seen("203.0.113.7");
            assertThat(seen.headerValues("CF-Connecting-IP")).containsExactly("203.0.113.7");
            assertThat(seen.headerValues("X-Forwarded-For")).containsExactly(chain);
            assertThat(parties.originPerClient(HASHED).values()).as("hash steering by client").contains("a", "b");
            assertLeftmostIsBelieved(parties);
        }
    }

    /** Jetty's customizer believes every peer and the entry the client itself wrote: why trustedProxies exists. */
    private static void assertLeftmostIsBelieved(ProxiedClients parties) throws Exception {
        final LoopbackOrigin.Seen forged = parties.seen("192.0.2.66, 203.0.113.8");
        assertThat(forged.headerValues("CF-Connecting-IP")).containsExactly("192.0.2.66");
        assertThat(forged.header("X-Forwarded-For")).startsWith("192.0.2.66, 203.0.113.8");
    }
}
