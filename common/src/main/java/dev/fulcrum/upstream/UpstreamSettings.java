package dev.fulcrum.upstream;

import java.security.KeyStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How Fulcrum talks to origins (spec §8.2): timeouts, connection pool limits and the request-body replay limit.
 * One instance configures the one {@link UpstreamClient} of a runtime, whichever container hosts it.
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
 */
public record UpstreamSettings(Duration connectTimeout, Duration readTimeout, Duration idleTimeout,
                               int maxConnectionsPerOrigin, int maxQueuedPerOrigin, int replayBufferBytes,
                               int selectors, int maxThreads, boolean nonBlocking, KeyStore trustStore) {

    /** Cloudflare's limits: connect 19 s, read 100 s, pooled idle 900 s; the JVM's trust store. */
    public static final UpstreamSettings DEFAULTS = new UpstreamSettings(Duration.ofSeconds(19),
            Duration.ofSeconds(100), Duration.ofSeconds(900), 1024, 4096, 64 * 1024, 1, 200, false, null);

    /** Attribute / init-parameter names understood by {@link #from(Function)}. */
    public static final String CONNECT_TIMEOUT = "upstreamConnectTimeout";
    public static final String READ_TIMEOUT = "upstreamReadTimeout";
    public static final String IDLE_TIMEOUT = "upstreamIdleTimeout";
    public static final String MAX_CONNECTIONS_PER_ORIGIN = "upstreamMaxConnectionsPerOrigin";
    public static final String MAX_QUEUED_PER_ORIGIN = "upstreamMaxQueuedPerOrigin";
    public static final String REPLAY_BUFFER_BYTES = "upstreamReplayBufferBytes";
    public static final String SELECTORS = "upstreamSelectors";
    public static final String MAX_THREADS = "upstreamMaxThreads";
    public static final String NON_BLOCKING = "upstreamNonBlocking";

    /** Every key {@link #from} reads. */
    public static final Set<String> KEYS = Set.of(CONNECT_TIMEOUT, READ_TIMEOUT, IDLE_TIMEOUT,
            MAX_CONNECTIONS_PER_ORIGIN, MAX_QUEUED_PER_ORIGIN, REPLAY_BUFFER_BYTES, SELECTORS, MAX_THREADS,
            NON_BLOCKING);

    /**
     * What a wrapper that never blocks in the client's callbacks asks for (the Jetty core handler, the proxy servlet,
     * the Tomcat valve): {@link #nonBlocking} on, and one selector per CPU, since those threads then parse every
     * response and hand it to the client. With the single default selector that one thread was the bottleneck: two
     * selectors on two CPUs served about 25 % more requests per second at less CPU per request in the side-by-side
     * benchmark (BENCHMARKS.md); more than one per CPU gained nothing. Keys as {@link #from} reads them.
     */
    public static Map<String, String> selectorCallbacks() {
        return Map.of(NON_BLOCKING, "true", SELECTORS, Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    public UpstreamSettings {
        requirePositive(CONNECT_TIMEOUT, connectTimeout);
        requirePositive(READ_TIMEOUT, readTimeout);
        requirePositive(IDLE_TIMEOUT, idleTimeout);
        requireAtLeast(MAX_CONNECTIONS_PER_ORIGIN, maxConnectionsPerOrigin, 1);
        requireAtLeast(MAX_QUEUED_PER_ORIGIN, maxQueuedPerOrigin, 1);
        requireAtLeast(REPLAY_BUFFER_BYTES, replayBufferBytes, 0);
        requireAtLeast(SELECTORS, selectors, 1);
        // Jetty's client needs a few threads for its selectors and the reserved pool before it can run a task.
        requireAtLeast(MAX_THREADS, maxThreads, selectors + 4);
    }

    /**
     * Reads settings from text attributes (valve attributes, servlet init parameters, ini properties); a missing
     * or blank key keeps its default. Durations are a number with an optional unit {@code ms}, {@code s} or
     * {@code m} (plain numbers are milliseconds), e.g. {@code 19s}.
     *
     * @throws IllegalArgumentException naming the key, the value and what was expected
     */
    public static UpstreamSettings from(Function<String, String> attributes) {
        final UpstreamSettings d = DEFAULTS;
        return new UpstreamSettings(
                duration(attributes, CONNECT_TIMEOUT, d.connectTimeout),
                duration(attributes, READ_TIMEOUT, d.readTimeout),
                duration(attributes, IDLE_TIMEOUT, d.idleTimeout),
                integer(attributes, MAX_CONNECTIONS_PER_ORIGIN, d.maxConnectionsPerOrigin),
                integer(attributes, MAX_QUEUED_PER_ORIGIN, d.maxQueuedPerOrigin),
                integer(attributes, REPLAY_BUFFER_BYTES, d.replayBufferBytes),
                integer(attributes, SELECTORS, d.selectors),
                integer(attributes, MAX_THREADS, d.maxThreads),
                bool(attributes, NON_BLOCKING, d.nonBlocking), d.trustStore);
    }

    /** {@link #from(Function)} over a map. */
    public static UpstreamSettings from(Map<String, String> attributes) {
        return from(attributes::get);
    }

    public UpstreamSettings withConnectTimeout(Duration value) {
        return new UpstreamSettings(value, readTimeout, idleTimeout, maxConnectionsPerOrigin, maxQueuedPerOrigin,
                replayBufferBytes, selectors, maxThreads, nonBlocking, trustStore);
    }

    public UpstreamSettings withReadTimeout(Duration value) {
        return new UpstreamSettings(connectTimeout, value, idleTimeout, maxConnectionsPerOrigin, maxQueuedPerOrigin,
                replayBufferBytes, selectors, maxThreads, nonBlocking, trustStore);
    }

    public UpstreamSettings withIdleTimeout(Duration value) {
        return new UpstreamSettings(connectTimeout, readTimeout, value, maxConnectionsPerOrigin, maxQueuedPerOrigin,
                replayBufferBytes, selectors, maxThreads, nonBlocking, trustStore);
    }

    public UpstreamSettings withReplayBufferBytes(int value) {
        return new UpstreamSettings(connectTimeout, readTimeout, idleTimeout, maxConnectionsPerOrigin,
                maxQueuedPerOrigin, value, selectors, maxThreads, nonBlocking, trustStore);
    }

    public UpstreamSettings withNonBlocking(boolean value) {
        return new UpstreamSettings(connectTimeout, readTimeout, idleTimeout, maxConnectionsPerOrigin,
                maxQueuedPerOrigin, replayBufferBytes, selectors, maxThreads, value, trustStore);
    }

    public UpstreamSettings withTrustStore(KeyStore value) {
        return new UpstreamSettings(connectTimeout, readTimeout, idleTimeout, maxConnectionsPerOrigin,
                maxQueuedPerOrigin, replayBufferBytes, selectors, maxThreads, nonBlocking, value);
    }

    private static boolean bool(Function<String, String> attributes, String key, boolean fallback) {
        final String text = trimmed(attributes.apply(key));
        if (text == null) {
            return fallback;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, text, "true or false");
        };
    }

    private static Duration duration(Function<String, String> attributes, String key, Duration fallback) {
        final String text = trimmed(attributes.apply(key));
        if (text == null) {
            return fallback;
        }
        try {
            return parseDuration(text, false);
        } catch (IllegalArgumentException e) {
            throw invalid(key, text, "a positive duration such as 19s, 500ms or 15m");
        }
    }

    /**
     * Reads a duration written as a number with an optional unit: {@code ms}, {@code s} or {@code m} (no unit:
     * milliseconds), as every host's settings spell them.
     *
     * @param zeroAllowed whether {@code 0} (a setting's "off") is a value
     * @throws IllegalArgumentException when {@code text} is no such duration
     */
    public static Duration parseDuration(String text, boolean zeroAllowed) {
        final String lower = text.strip().toLowerCase(Locale.ROOT);
        final long unitMillis;
        final String digits;
        if (lower.endsWith("ms")) {
            unitMillis = 1;
            digits = lower.substring(0, lower.length() - 2);
        } else if (lower.endsWith("s")) {
            unitMillis = 1000;
            digits = lower.substring(0, lower.length() - 1);
        } else if (lower.endsWith("m")) {
            unitMillis = 60_000;
            digits = lower.substring(0, lower.length() - 1);
        } else {
            unitMillis = 1;
            digits = lower;
        }
        try {
            final long amount = Long.parseLong(digits.trim());
            if (amount < 0 || amount == 0 && !zeroAllowed) {
                throw new IllegalArgumentException("'" + text + "' is not a duration");
            }
            return Duration.ofMillis(Math.multiplyExact(amount, unitMillis));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration", e);
        }
    }

    private static int integer(Function<String, String> attributes, String key, int fallback) {
        final String text = trimmed(attributes.apply(key));
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw invalid(key, text, "an integer");
        }
    }

    private static String trimmed(String value) {
        if (value == null) {
            return null;
        }
        final String trimmed = value.trim();
        return trimmed.isEmpty() ? null : trimmed;
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
