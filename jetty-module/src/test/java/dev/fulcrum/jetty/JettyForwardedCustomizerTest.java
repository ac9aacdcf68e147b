package dev.fulcrum.jetty;

import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.ProxiedClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.ProxiedClients.HASHED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Jetty's own {@code ForwardedRequestCustomizer} (the {@code http-forwarded} module) gives both Fulcrum paths:
 * the request's remote address becomes the leftmost {@code X-Forwarded-For} entry, from any peer. The core handler
 * still knows the connection's peer and ends the chain with it; the servlet API has only the one address, so the
 * chain the servlet sends ends with the client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JettyForwardedCustomizerTest {

    @Test
    void theCoreHandlerSeesTheCustomizersClientAndEndsTheChainWithThePeer() throws Exception {
        assertCustomizersClient(JettyHost.core().withForwardedCustomizer(), "203.0.113.7, 127.0.0.1");
    }

    @Test
    void theServletSeesTheCustomizersClientOnce() throws Exception {
        assertCustomizersClient(JettyHost.servlet().withForwardedCustomizer(), "203.0.113.7");
    }

    /** The client claimed by the peer is everyone's; the origin gets {@code chain} for it. */
    private static void assertCustomizersClient(JettyHost host, String chain) throws Exception {
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
