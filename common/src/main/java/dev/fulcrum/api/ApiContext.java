package dev.fulcrum.api;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.json.ConfigJson;
import dev.fulcrum.store.ConfigStore;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What every resource needs: the store, the JSON mapping, the clock for {@code created_on}/{@code modified_on}, and
 * the index of the store's snapshots ({@link ConfigIndex}).
 */
record ApiContext(ConfigStore store, ConfigJson json, Clock clock, ConfigIndex.Live indexes) {

    /** The index of {@code snapshot} (inside a mutation: the store's latest, indexed when it was committed). */
    ConfigIndex index(ConfigSnapshot snapshot) {
        return indexes.at(snapshot);
    }

    /** The latest indexed snapshot's index: readers take the snapshot from it ({@link ConfigIndex#config()}). */
    ConfigIndex index() {
        return indexes.latest();
    }


    /** Now, at the precision timestamps are written with, so a stored value reads back unchanged. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** RFC 3339 with fractional seconds, written exactly as {@link ConfigJson} writes object timestamps. */
    static String timestamp(Instant instant) {
        return ConfigJson.timestamp(instant);
    }
}
