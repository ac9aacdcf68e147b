package dev.fulcrum.jetty;

import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.testing.ClientBehindProxyContract;
import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.ProxiedClients;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client behind another proxy on the Jetty core handler with {@link TrustedProxies}: the standalone's
 * {@code --trusted-proxies} and the Jetty module's {@code fulcrum.trustedProxies}.
 */
class JettyTrustedProxiesTest extends ClientBehindProxyContract {

    @Override
    protected HostUnderTest newHost(String trustedProxies) {
        return JettyHost.core(TrustedProxies.parse(trustedProxies));
    }

    @Test
    void trustedProxiesOverruleJettysForwardedCustomizer() throws Exception {
        // The customizer alone would take the leftmost entry, which the client wrote; the list reads from the right.
        try (ProxiedClients parties = ProxiedClients.start(
                JettyHost.core(TrustedProxies.parse(LOOPBACK)).withForwardedCustomizer())) {
            final LoopbackOrigin.Seen seen = parties.seen("192.0.2.66, 203.0.113.8");
            assertThat(seen.headerValues("CF-Connecting-IP")).containsExactly("203.0.113.8");
            assertThat(seen.headerValues("X-Forwarded-For")).containsExactly("192.0.2.66, 203.0.113.8, 127.0.0.1");
        }
    }
}
