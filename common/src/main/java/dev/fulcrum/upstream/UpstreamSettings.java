package dev.fulcrum.upstream;

import java.security.KeyStore;
import java.time.Duration;

/**
 * How Fulcrum talks to origins (spec §8.2): timeouts, connection pool limits and the request-body replay limit.
 * One instance configures the one {@link UpstreamClient} of a runtime, whichever container hosts it; hosts read it
 * from text through the runtime's settings table ({@code runtime.SettingsTable}).
 *
 * @param connectTimeout          TCP connect limit; exceeding it answers 522
 * @param readTimeout             time to first response byte (and any later silence); exceeding it answers 524
 * @param idleTimeout             how long an unused pooled connection to an origin stays open
 * @param maxConnectionsPerOrigin open connections to one origin (scheme, address, port; for https also per TLS name)
 * @param maxQueuedPerOrigin      requests waiting for a connection to one origin before new ones are refused
 * @param replayBufferBytes       request bodies up to this size (with a Content-Length) are buffered so that a
 *                                failover or stale-connection retry can send them again; larger ones are streamed
 * @param selectors               NIO selector threads of the client; with {@code nonBlocking} they also parse every
 *                                response and run the wrapper's callbacks, so a busy proxy wants about one per CPU
 * @param maxThreads              the client's thread pool size
 * @param nonBlocking             the wrapper never blocks in the client's response callbacks (it writes to its
 *                                clients asynchronously), so responses may be parsed and handed over on the
 *                                selector thread that read them instead of being dispatched to the client's
 *                                thread pool: one thread hand-off less per response. Only for wrappers that never
 *                                block there (the Jetty core proxy handler, the proxy servlet); false by default
 * @param trustStore              certificates trusted for https origins, or null (the default) for the JVM's
 *                                default trust store, which honours {@code -Djavax.net.ssl.trustStore}; not a text
 *                                setting
 * @param links                   plain HTTP/1.1 exchanges of hosts that ask for it ({@code OriginSide.linked}) go on
 *                                connections of Fulcrum's own ({@code upstream.link.OriginLinks}) instead of Jetty's
 *                                {@code HttpClient}; TLS, HTTP/2 and WebSocket handshakes stay on the client. True by
 *                                default; only the Jetty core hosts ask
 */
public record UpstreamSettings(Duration connectTimeout, Duration readTimeout, Duration idleTimeout,
                               int maxConnectionsPerOrigin, int maxQueuedPerOrigin, int replayBufferBytes,
                               int selectors, int maxThreads, boolean nonBlocking, KeyStore trustStore,
                               boolean links) {

    /** Cloudflare's limits: connect 19 s, read 100 s, pooled idle 900 s; the JVM's trust store. */
    public static final UpstreamSettings DEFAULTS = new UpstreamSettings(Duration.ofSeconds(19),
            Duration.ofSeconds(100), Duration.ofSeconds(900), 1024, 4096, 64 * 1024, 1, 200, false, null, true);

    public UpstreamSettings {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("readTimeout", readTimeout);
        requirePositive("idleTimeout", idleTimeout);
        requireAtLeast("maxConnectionsPerOrigin", maxConnectionsPerOrigin, 1);
        requireAtLeast("maxQueuedPerOrigin", maxQueuedPerOrigin, 1);
        requireAtLeast("replayBufferBytes", replayBufferBytes, 0);
        requireAtLeast("selectors", selectors, 1);
        // Jetty's client needs a few threads for its selectors and the reserved pool before it can run a task.
        requireAtLeast("maxThreads", maxThreads, selectors + 4);
    }

    public UpstreamSettings withConnectTimeout(Duration value) {
        return new UpstreamSettings(value, readTimeout, idleTimeout, maxConnectionsPerOrigin, maxQueuedPerOrigin,
                replayBufferBytes, selectors, maxThreads, nonBlocking, trustStore, links);
    }

    public UpstreamSettings withReadTimeout(Duration value) {
        return new UpstreamSettings(connectTimeout, value, idleTimeout, maxConnectionsPerOrigin, maxQueuedPerOrigin,
                replayBufferBytes, selectors, maxThreads, nonBlocking, trustStore, links);
    }

    public UpstreamSettings withIdleTimeout(Duration value) {
        return new UpstreamSettings(connectTimeout, readTimeout, value, maxConnectionsPerOrigin, maxQueuedPerOrigin,
                replayBufferBytes, selectors, maxThreads, nonBlocking, trustStore, links);
    }

    public UpstreamSettings withReplayBufferBytes(int value) {
        return new UpstreamSettings(connectTimeout, readTimeout, idleTimeout, maxConnectionsPerOrigin,
                maxQueuedPerOrigin, value, selectors, maxThreads, nonBlocking, trustStore, links);
    }

    public UpstreamSettings withNonBlocking(boolean value) {
        return new UpstreamSettings(connectTimeout, readTimeout, idleTimeout, maxConnectionsPerOrigin,
                maxQueuedPerOrigin, replayBufferBytes, selectors, maxThreads, value, trustStore, links);
    }

    public UpstreamSettings withTrustStore(KeyStore value) {
        return new UpstreamSettings(connectTimeout, readTimeout, idleTimeout, maxConnectionsPerOrigin,
                maxQueuedPerOrigin, replayBufferBytes, selectors, maxThreads, nonBlocking, value, links);
    }

    public UpstreamSettings withLinks(boolean value) {
        return new UpstreamSettings(connectTimeout, readTimeout, idleTimeout, maxConnectionsPerOrigin,
                maxQueuedPerOrigin, replayBufferBytes, selectors, maxThreads, nonBlocking, trustStore, value);
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(key, String.valueOf(value), "a positive duration");
        }
    }

    private static void requireAtLeast(String key, int value, int minimum) {
        if (value < minimum) {
            throw invalid(key, Integer.toString(value), "at least " + minimum);
        }
    }

    private static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException(key + ": " + value + " (expected: " + expected + ')');
    }
}
