package dev.fulcrum.health;

/**
 * A source of monotonic time in nanoseconds, injected so tests can control it (round-trip times, preview expiry).
 * Only differences between two readings are meaningful.
 */
@FunctionalInterface
public interface Ticker {

    /** The current reading in nanoseconds. */
    long read();

    /** The JVM's monotonic clock, {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
