package dev.fulcrum.api;

import dev.fulcrum.config.json.ConfigJson;
import dev.fulcrum.store.ConfigStore;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** What every resource needs: the store, the JSON mapping and the clock for {@code created_on}/{@code modified_on}. */
record ApiContext(ConfigStore store, ConfigJson json, Clock clock) {

    /** Now, at the precision timestamps are written with, so a stored value reads back unchanged. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** RFC 3339 with fractional seconds, written exactly as {@link ConfigJson} writes object timestamps. */
    static String timestamp(Instant instant) {
        return ConfigJson.timestamp(instant);
    }
}
