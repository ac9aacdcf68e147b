package dev.fulcrum.war;

import dev.fulcrum.testing.ForwardedCustomizerChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * What Jetty's own {@code ForwardedRequestCustomizer} (the {@code http-forwarded} module) gives the proxy servlet:
 * the request's remote address becomes the leftmost {@code X-Forwarded-For} entry, from any peer. The servlet API
 * has only the one address, so the chain the servlet sends ends with the client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WarForwardedCustomizerTest {

    @Test
    void theServletSeesTheCustomizersClientOnce() throws Exception {
        ForwardedCustomizerChecks.assertCustomizersClient(ServletHost.jettyWithForwardedCustomizer(), "203.0.113.7");
    }
}
