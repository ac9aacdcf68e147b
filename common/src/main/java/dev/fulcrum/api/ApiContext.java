package dev.fulcrum.api;

import dev.fulcrum.config.json.ConfigJson;
import dev.fulcrum.store.ConfigStore;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** What every resource needs: the store, the JSON mapping and the clock for {@code created_on}/{@code modified_on}. */
record ApiContext(ConfigStore store, ConfigJson json, Clock clock) {

    /** RFC 3339 with fractional seconds, as Cloudflare writes timestamps (spec §1). */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Now, at the precision timestamps are written with, so a stored value reads back unchanged. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }
}
