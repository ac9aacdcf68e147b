package dev.fulcrum.health;

import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the health engine runs; {@link #defaults()} suits production, tests shorten the periods and inject time.
 *
 * @param popName             the one "PoP" this node reports in pool health ({@code pop_health} key)
 * @param ticker              monotonic time: round-trip times and preview expiry
 * @param clock               wall time: event and preview timestamps
 * @param schedulerThreads    threads of the one health scheduler (timers, publishing, Jetty timeouts): 1-4
 * @param maxConcurrentProbes probe attempts in flight at once; later ones queue (see {@code ProbeGate})
 * @param publishPeriod       how often changes that are not state transitions (round-trip times, failure
 *                            reasons) are published; transitions are published at once
 * @param initialSpread       a new origin's first probe starts at a random point in
 *                            [0, min(interval, initialSpread)), so thousands of origins do not start together
 * @param maxEvents           health transitions kept in memory for {@code events()}
 * @param trustStore          certificates trusted by https probes; null = the JVM's default trust store
 * @param previewTtl          how long a preview result stays readable
 * @param maxPreviews         previews kept at most; the oldest goes first
 */
public record HealthSettings(String popName, Ticker ticker, Clock clock, int schedulerThreads,
                             int maxConcurrentProbes, Duration publishPeriod, Duration initialSpread, int maxEvents,
                             KeyStore trustStore, Duration previewTtl, int maxPreviews) {

    public HealthSettings {
        Objects.requireNonNull(popName, "popName");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(clock, "clock");
        require(!popName.isBlank(), "popName: \"" + popName + "\" (expected: non-blank)");
        require(schedulerThreads >= 1 && schedulerThreads <= 4,
                "schedulerThreads: " + schedulerThreads + " (expected: 1-4)");
        require(maxConcurrentProbes >= 1, "maxConcurrentProbes: " + maxConcurrentProbes + " (expected: >= 1)");
        require(positive(publishPeriod), "publishPeriod: " + publishPeriod + " (expected: > 0)");
        require(positive(initialSpread), "initialSpread: " + initialSpread + " (expected: > 0)");
        require(maxEvents >= 1, "maxEvents: " + maxEvents + " (expected: >= 1)");
        require(positive(previewTtl), "previewTtl: " + previewTtl + " (expected: > 0)");
        require(maxPreviews >= 1, "maxPreviews: " + maxPreviews + " (expected: >= 1)");
    }

    /** Production defaults: PoP "Fulcrum", system time, 2 scheduler threads, 256 probes in flight, 5 s publish
     *  period, 5 s initial spread, 1,000 events, JVM trust store, previews kept 1 h, at most 100. */
    public static HealthSettings defaults() {
        return new HealthSettings("Fulcrum", Ticker.system(), Clock.systemUTC(), 2, 256, Duration.ofSeconds(5),
                Duration.ofSeconds(5), 1000, null, Duration.ofHours(1), 100);
    }

    public HealthSettings withPopName(String name) {
        return new HealthSettings(name, ticker, clock, schedulerThreads, maxConcurrentProbes, publishPeriod,
                initialSpread, maxEvents, trustStore, previewTtl, maxPreviews);
    }

    public HealthSettings withTime(Ticker newTicker, Clock newClock) {
        return new HealthSettings(popName, newTicker, newClock, schedulerThreads, maxConcurrentProbes,
                publishPeriod, initialSpread, maxEvents, trustStore, previewTtl, maxPreviews);
    }

    public HealthSettings withPublishPeriod(Duration period) {
        return new HealthSettings(popName, ticker, clock, schedulerThreads, maxConcurrentProbes, period,
                initialSpread, maxEvents, trustStore, previewTtl, maxPreviews);
    }

    public HealthSettings withInitialSpread(Duration spread) {
        return new HealthSettings(popName, ticker, clock, schedulerThreads, maxConcurrentProbes, publishPeriod,
                spread, maxEvents, trustStore, previewTtl, maxPreviews);
    }

    public HealthSettings withMaxConcurrentProbes(int max) {
        return new HealthSettings(popName, ticker, clock, schedulerThreads, max, publishPeriod, initialSpread,
                maxEvents, trustStore, previewTtl, maxPreviews);
    }

    public HealthSettings withMaxEvents(int max) {
        return new HealthSettings(popName, ticker, clock, schedulerThreads, maxConcurrentProbes, publishPeriod,
                initialSpread, max, trustStore, previewTtl, maxPreviews);
    }

    public HealthSettings withTrustStore(KeyStore store) {
        return new HealthSettings(popName, ticker, clock, schedulerThreads, maxConcurrentProbes, publishPeriod,
                initialSpread, maxEvents, store, previewTtl, maxPreviews);
    }

    public HealthSettings withPreviews(Duration ttl, int max) {
        return new HealthSettings(popName, ticker, clock, schedulerThreads, maxConcurrentProbes, publishPeriod,
                initialSpread, maxEvents, trustStore, ttl, max);
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
