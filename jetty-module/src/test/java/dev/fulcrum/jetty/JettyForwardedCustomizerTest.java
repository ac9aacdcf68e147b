package dev.fulcrum.jetty;

import dev.fulcrum.testing.ForwardedCustomizerChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * What Jetty's own {@code ForwardedRequestCustomizer} (the {@code http-forwarded} module) gives the core handler:
 * the request's remote address becomes the leftmost {@code X-Forwarded-For} entry, from any peer. The core handler
 * still knows the connection's peer and ends the chain with it (the WAR's servlet, with only the servlet API's one
 * address, is checked in its own module).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JettyForwardedCustomizerTest {

    @Test
    void theCoreHandlerSeesTheCustomizersClientAndEndsTheChainWithThePeer() throws Exception {
        ForwardedCustomizerChecks.assertCustomizersClient(JettyHost.core().withForwardedCustomizer(),
                "203.0.113.7, 127.0.0.1");
    }
}
