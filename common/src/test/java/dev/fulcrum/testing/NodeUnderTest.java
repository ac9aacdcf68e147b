package dev.fulcrum.testing;

import java.nio.file.Path;

/**
 * A whole Fulcrum node as a host runs it in production: the host's own wiring of the runtime (store, router,
 * upstream client), its proxy listener and its API listener, all on 127.0.0.1 at free ports. The contracts that
 * test what a node answers to a hostile client ({@link HostileInputContract}, {@link SmugglingContract}) drive it
 * through those listeners only: the API over HTTP, the load balancers through the proxy.
 */
@SuppressWarnings("try") // close() stops a server, which may be interrupted
public interface NodeUnderTest extends AutoCloseable {

    /** Starts the node with its store in {@code dataDir} and {@code apiToken} as the API's admin token. */
    void start(Path dataDir, String apiToken) throws Exception;

    /** The port of the listener that serves the load balancers, after {@link #start}. */
    int proxyPort();

    /**
     * The port of the API listener, after {@link #start}; the proxy's port where the API is served on the same
     * listener (the WAR), for hosts that are no load balancer's.
     */
    int apiPort();

    /**
     * Whether every answer of the API listener is Fulcrum's to give. Not in the WAR, whose API shares the
     * container's connector: what the container refuses before any web application sees it (a malformed URI, an
     * illegal character) is answered with the container's own page, and a path the container normalises out of
     * {@code /client/v4} is no longer the API's.
     */
    default boolean ownsTheApiListener() {
        return true;
    }

    @Override
    void close() throws Exception;
}
