package dev.fulcrum.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.ProxiedClients.HASHED;
import static dev.fulcrum.testing.ProxiedClients.STICKY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client behind another proxy, through a real wrapper whose host's own mechanism derives it (Tomcat's
 * {@code RemoteIpValve}, {@code TrustedProxies} on the Jetty core handler), with the parties of
 * {@link ProxiedClients}: the test client on 127.0.0.1 plays the proxy. Everything client-based must follow the
 * derived client ({@code CF-Connecting-IP}, {@code hash} steering, {@code ip_cookie}, {@code ip.src}), the chain
 * toward the origin must hold the client once and end with the proxy (spec §8.1), and a peer outside the trusted set
 * must get nothing from what it claims.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ClientBehindProxyContract {

    /** The proxies the host trusts where the test client is the proxy. */
    protected static final String LOOPBACK = "127.0.0.0/8";
    /** The proxies the host trusts where the test client is an untrusted peer. */
    protected static final String ELSEWHERE = "10.0.0.0/8";

    private ProxiedClients parties;

    /**
     * A fresh, unstarted container whose wrapper takes the client from {@code X-Forwarded-For} when the peer is
     * within {@code trustedProxies} (one CIDR range), by the host's own mechanism.
     */
    protected abstract HostUnderTest newHost(String trustedProxies);

    @AfterEach
    void stopEverything() throws Exception {
        if (parties != null) {
            parties.close();
        }
    }

    @Test
    void theProxysClientIsTheConnectingIpAndTheChainEndsWithTheProxy() throws Exception {
        parties = ProxiedClients.start(newHost(LOOPBACK));

        LoopbackOrigin.Seen seen = parties.seen("203.0.113.7");
        assertThat(seen.headerValues("CF-Connecting-IP")).containsExactly("203.0.113.7");
        assertThat(seen.headerValues("X-Forwarded-For")).containsExactly("203.0.113.7, 127.0.0.1");

        // An entry left of the client is whatever the client wrote: passed on in the chain, never believed.
        seen = parties.seen("192.0.2.66, 203.0.113.8");
        assertThat(seen.headerValues("CF-Connecting-IP")).containsExactly("203.0.113.8");
        assertThat(seen.headerValues("X-Forwarded-For")).containsExactly("192.0.2.66, 203.0.113.8, 127.0.0.1");
    }

    @Test
    void hashSteeringIpCookieAndIpSrcFollowTheProxysClient() throws Exception {
        parties = ProxiedClients.start(newHost(LOOPBACK));

        assertThat(parties.originPerClient(HASHED).values()).as("hash steering by client").contains("a", "b");
        assertThat(parties.originPerClient(STICKY).values()).as("ip_cookie placement by client").contains("a", "b");
        final LoopbackOrigin.Seen ruled = parties.seen("198.51.100.5");
        assertThat(ruled.headerValues("CF-Connecting-IP")).as("ip.src rule to c").containsExactly("198.51.100.5");
        assertThat(parties.originFor(HASHED, "198.51.100.5")).isEqualTo("c");
    }

    @Test
    void anUntrustedPeerGetsNothingFromWhatItClaims() throws Exception {
        parties = ProxiedClients.start(newHost(ELSEWHERE));

        assertThat(parties.originPerClient(HASHED).values()).as("hash steering by the peer")
                .containsOnly(parties.originFor(HASHED, "203.0.113.99"));
        assertThat(parties.originPerClient(STICKY).values()).as("ip_cookie placement by the peer")
                .containsOnly(parties.originFor(STICKY, "203.0.113.99"));
        assertThat(parties.originFor(HASHED, "198.51.100.5")).as("ip.src is the peer's").isNotEqualTo("c");
        final LoopbackOrigin.Seen seen = parties.seen("198.51.100.5");
        assertThat(seen.headerValues("CF-Connecting-IP")).containsExactly("127.0.0.1");
        assertThat(seen.headerValues("X-Forwarded-For")).containsExactly("198.51.100.5, 127.0.0.1");
    }
}
