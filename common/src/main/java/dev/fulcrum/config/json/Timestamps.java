package dev.fulcrum.config.json;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * RFC 3339 timestamps as Cloudflare writes them: UTC, {@code Z}, always with fractional seconds. We keep
 * microseconds (6 digits), so every stored instant is truncated to microseconds before it is kept.
 */
final class Timestamps {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder().appendInstant(6).toFormatter();

    private Timestamps() {
    }

    static String format(Instant t) {
        return FORMAT.format(t);
    }

    /** Any RFC 3339 date-time (with {@code Z} or an offset); null when the text is not one. */
    static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
