package dev.fulcrum.testing;

import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every host contract shares: the container under test ({@link #newHost()}) started with the shared upstream
 * client as the wrappers run it, a real HTTP client for the test, and the origins a test starts. All of them stop
 * after each test, in that order: container, upstream client, origins, then the test's client.
 *
 * <p>A contract adds its own fixtures; its {@code @AfterEach} runs before this one, so whatever feeds the container
 * (a health monitor, a WebSocket client) stops before the container does.
 */
public abstract class HostContract {

    private final List<AutoCloseable> resources = new ArrayList<>();
    protected HostUnderTest host;
    protected UpstreamClient upstream;
    protected HttpClient client;

    /**
     * A fresh, unstarted container with the wrapper under test, given a router and upstream client by the contract.
     * Contracts that start whole nodes instead ({@link NodeUnderTest}) need none.
     */
    protected HostUnderTest newHost() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " starts no router-driven host");
    }

    /** A contract's own client settings, applied before a client from {@link #newClient} starts. */
    protected void configureClient(HttpClient c) {
    }

    /**
     * The protocol the test's clients speak to the container: HTTP/1.1, or HTTP/2 without TLS (h2c, by prior
     * knowledge), which the container under test must then accept. A contract's h2 variant overrides it.
     */
    protected ClientProtocol clientProtocol() {
        return ClientProtocol.HTTP_1_1;
    }

    @BeforeEach
    void startTestClient() throws Exception {
        client = newClient(null);
    }

    @AfterEach
    void stopHostAndResources() throws Exception {
        if (host != null) {
            host.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        client.stop();
    }

    /**
     * A started client that follows no redirects (a test sees every answer as the wrapper gave it), bound to
     * {@code bindAddress} (null: any local address). The caller stops it, unless it is {@link #client}.
     */
    protected HttpClient newClient(String bindAddress) throws Exception {
        final HttpClient c = clientProtocol().newClient();
        c.setFollowRedirects(false);
        if (bindAddress != null) {
            c.setBindAddress(new InetSocketAddress(bindAddress, 0));
        }
        configureClient(c);
        c.start();
        return c;
    }

    protected void startHost(SnapshotRouter router) throws Exception {
        startHost(router, UpstreamSettings.DEFAULTS);
    }

    /** Starts the container with {@code router} and an upstream client as the wrappers run it in production. */
    protected void startHost(SnapshotRouter router, UpstreamSettings settings) throws Exception {
        upstream = UpstreamClient.start(HostUnderTest.upstream(settings), router.connections());
        host = newHost();
        host.start(router, upstream);
    }

    protected LoopbackOrigin startOrigin(String name) throws Exception {
        return closedAfterTest(LoopbackOrigin.start(name));
    }

    protected LoopbackOrigin startOrigin(String name, Duration idleTimeout) throws Exception {
        return closedAfterTest(LoopbackOrigin.start(name, idleTimeout));
    }

    /** Registers {@code resource} to be closed after the test, after the container; returns it. */
    protected <T extends AutoCloseable> T closedAfterTest(T resource) {
        resources.add(resource);
        return resource;
    }
}
