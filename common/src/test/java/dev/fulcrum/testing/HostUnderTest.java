package dev.fulcrum.testing;

import dev.fulcrum.routing.Router;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;

/**
 * A container hosting a Fulcrum wrapper for the contracts ({@link HostContract}): embedded Jetty with the proxy
 * servlet, or embedded Tomcat with the valve in front of a plain webapp.
 */
@SuppressWarnings("try") // close() stops a server, which may be interrupted
public interface HostUnderTest extends AutoCloseable {

    /**
     * The upstream client as every wrapper runs it in production: its callbacks on its selector thread (one here),
     * since no wrapper blocks there ({@code FulcrumSettings.Builder#selectorCallbacks()}).
     */
    static UpstreamSettings upstream(UpstreamSettings settings) {
        return settings.withNonBlocking(true);
    }

    /** Starts the container on 127.0.0.1, port 0, with {@code router} and the shared {@code upstream} client. */
    void start(Router router, UpstreamClient upstream) throws Exception;

    /** The bound port, after {@link #start}. */
    int port();

    /**
     * Whether requests for hosts that no load balancer serves reach an application of the container's own (the
     * Tomcat webapp behind the valve); if not, the wrapper answers them 404 itself.
     */
    boolean hasOwnApplication();

    /** How many requests the container's own application answered (0 when it has none). */
    int ownApplicationRequests();

    /** The body the container's own application answers with. */
    default String ownApplicationBody() {
        return "own application";
    }

    @Override
    void close() throws Exception;
}
