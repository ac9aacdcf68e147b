package dev.fulcrum.config.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast paths write and read exactly what the JDK's formatters do. */
class TimestampsTest {

    private static final DateTimeFormatter WRITE = new DateTimeFormatterBuilder().appendInstant(6).toFormatter();

    private static Instant jdkParse(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void formatsAndReadsBackLikeTheFormatters() {
        final SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 20_000; i++) {
            final Instant t = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L - 86_400,
                    253_402_300_800L + 86_400), random.nextInt(1_000_000_000));
            final String text = Timestamps.format(t);
            assertThat(text).isEqualTo(WRITE.format(t));
            assertThat(Timestamps.parse(text)).isEqualTo(jdkParse(text)).isEqualTo(Timestamps.truncate(t));
        }
    }

    @Test
    void acceptsAndRefusesWhatTheFormatterDoes() {
        for (String text : List.of("2026-12-07T19:38:56.865057Z", "2026-12-07T19:38:56Z", "2026-12-07T19:38:56.1Z",
                "2026-12-07T19:38:56.123456789Z", "2024-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
                "2026-12-07T19:38:56.865057+02:00", "2026-12-07t19:38:56z", "2025-02-29T00:00:00Z",
                "2026-04-31T00:00:00Z", "2026-12-07T24:00:00Z", "2026-12-07T23:60:00Z", "2026-12-07T23:59:60Z",
                "2026-12-07T19:38:56.Z", "2026-12-07T19:38:56.1234567890Z", "2026-12-07 19:38:56Z",
                "2026-13-07T19:38:56Z", "2026-00-07T19:38:56Z", "2026-12-00T19:38:56Z", "2026-12-07T19:38:5xZ",
                "+12026-12-07T19:38:56Z", "2026-12-07T19:38:56", "", "Z", "not a time")) {
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(jdkParse(text));
        }
    }
}
