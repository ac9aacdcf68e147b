package dev.fulcrum.config.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * RFC 3339 timestamps as Cloudflare writes them: UTC, {@code Z}, always with fractional seconds. We keep
 * microseconds (6 digits), so every stored instant is truncated to microseconds before it is kept.
 *
 * <p>Why the hand-written fast paths: every stored object carries two timestamps, read at each start and written in
 * every list answer. Through {@link DateTimeFormatter} they were the largest single cost of starting from a store
 * of 10,000 pools (about a sixth of the main thread) and half of building a one-page list. The fast paths cover
 * exactly the form we write ({@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, years 0000–9999); anything else goes through
 * the formatter as before, so what is accepted and refused does not change.
 */
final class Timestamps {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder().appendInstant(6).toFormatter();
    /** {@code 0000-01-01T00:00:00Z} and {@code 10000-01-01T00:00:00Z}: the years four digits can write. */
    private static final long MIN_FAST_SECOND = -62_167_219_200L;
    private static final long MAX_FAST_SECOND = 253_402_300_800L;
    /** The written form's fields (year … microseconds): their widths and the character after each. */
    private static final int[] WIDTHS = {4, 2, 2, 2, 2, 2, 6};
    private static final char[] AFTER = {'-', '-', 'T', ':', ':', '.', 'Z'};

    private Timestamps() {
    }

    static String format(Instant t) {
        final long seconds = t.getEpochSecond();
        if (seconds < MIN_FAST_SECOND || seconds >= MAX_FAST_SECOND) {
            return FORMAT.format(t);
        }
        final LocalDateTime utc = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        final int[] fields = {utc.getYear(), utc.getMonthValue(), utc.getDayOfMonth(), utc.getHour(),
                utc.getMinute(), utc.getSecond(), t.getNano() / 1000};
        final char[] out = new char[27];
        int at = 0;
        for (int i = 0; i < fields.length; i++) {
            digits(out, at, fields[i], WIDTHS[i]);
            at += WIDTHS[i];
            out[at++] = AFTER[i];
        }
        return new String(out);
    }

    /** Any RFC 3339 date-time (with {@code Z} or an offset); null when the text is not one. */
    static Instant parse(String text) {
        final Instant fast = parseCanonical(text);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with valid fields, else null (the caller tries the formatter). */
    private static Instant parseCanonical(String s) {
        final int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        final int year = number(s, 0, 4);
        final int month = number(s, 5, 2);
        final int day = number(s, 8, 2);
        final int hour = number(s, 11, 2);
        final int minute = number(s, 14, 2);
        final int second = number(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n != 20) {
            final int digits = n - 21;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nanos = number(s, 20, digits);
            if (nanos < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        final long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal number of {@code length} ASCII digits at {@code from}, or -1. */
    private static int number(String s, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
