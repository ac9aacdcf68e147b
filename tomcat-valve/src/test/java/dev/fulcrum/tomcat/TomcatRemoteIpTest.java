package dev.fulcrum.tomcat;

import dev.fulcrum.testing.ClientBehindProxyContract;
import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.testing.ProxiedClients;
import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client behind another proxy on Tomcat, by Tomcat's own {@link RemoteIpValve} declared before
 * {@link FulcrumValve} in the Engine (README, "Behind another proxy"). The valve takes the client out of
 * {@code X-Forwarded-For}; Fulcrum's puts it back before the proxy, whose address it reads with
 * {@code getPeerAddr()}.
 */
class TomcatRemoteIpTest extends ClientBehindProxyContract {

    @Override
    protected HostUnderTest newHost(String trustedProxies) {
        return TomcatHost.behind(remoteIp(trustedProxies));
    }

    /** Trusting {@code range} as internal proxies: Tomcat 11 reads a CIDR range there as well as a regex. */
    private static RemoteIpValve remoteIp(String range) {
        final RemoteIpValve valve = new RemoteIpValve();
        valve.setInternalProxies(range);
        return valve;
    }

    @Test
    void aRemoteIpValveInTheHostRunsTooLateForFulcrumInTheEngine() throws Exception {
        // Every Engine valve runs before any Host valve: the order README warns about.
        try (ProxiedClients parties = ProxiedClients.start(TomcatHost.underHostValve(remoteIp("127.0.0.0/8")))) {
            assertThat(parties.seen("203.0.113.7").headerValues("CF-Connecting-IP")).containsExactly("127.0.0.1");
        }
    }
}
