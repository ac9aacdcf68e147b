package dev.fulcrum.affinity;

import java.time.Clock;
import java.util.Objects;

/**
 * What the router's affinity stage runs with: the cookie signing key, the clock, and the cap of the header session
 * store.
 *
 * <p>Time is a {@link Clock}, not a monotonic ticker [G, STYLE point 7 adapted]: cookie expiries are wall-clock
 * instants that other nodes read, and drain runs from the configuration's {@code disabled_at}, which the runtime
 * stamps with its own clock. Tests pass a clock they move.
 *
 * @param key               signs {@code __cflb}; nodes that must honour each other's cookies share it
 * @param clock             the wall clock for cookie expiry, drain and header session idle time
 * @param maxHeaderSessions the most {@code header} affinity sessions the node keeps (see {@link SessionStore})
 */
public record AffinitySettings(AffinityKey key, Clock clock, int maxHeaderSessions) {

    public AffinitySettings {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clock, "clock");
        if (maxHeaderSessions < 1) {
            throw new IllegalArgumentException("affinity sessions: " + maxHeaderSessions + " (expected: at least 1)");
        }
    }

    /**
     * A random key (cookies are honoured by this router only, until it stops), the system clock and the default
     * cap: for a single node, tests and benchmarks. A runtime uses {@link AffinityKey#resolve} instead.
     */
    public static AffinitySettings ephemeral() {
        return new AffinitySettings(AffinityKey.random(), Clock.systemUTC(), SessionStore.DEFAULT_MAX_SESSIONS);
    }

    public AffinitySettings withClock(Clock newClock) {
        return new AffinitySettings(key, newClock, maxHeaderSessions);
    }

    public AffinitySettings withKey(AffinityKey newKey) {
        return new AffinitySettings(newKey, clock, maxHeaderSessions);
    }

    public AffinitySettings withMaxHeaderSessions(int max) {
        return new AffinitySettings(key, clock, max);
    }
}
