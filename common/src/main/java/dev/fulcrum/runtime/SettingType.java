package dev.fulcrum.runtime;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the text of one kind of setting becomes a value: the one place where switches, durations, sizes, counts,
 * ports, addresses and paths are read, whichever host the text came from (command line, environment variable, Jetty
 * property, valve attribute, context parameter).
 *
 * <p>Accepted forms:
 * <ul>
 *   <li>switch: {@code true}/{@code false}, also {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0},
 *       in any case;</li>
 *   <li>duration: a whole number and a unit, {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms},
 *       {@code 19s}, {@code 15m}, {@code 1h}); a number without a unit is refused, since a bare {@code 5} reads as
 *       seconds to some and as milliseconds to others;</li>
 *   <li>size: a whole number of bytes, alone or with {@code B}, {@code KiB}, {@code MiB} or {@code GiB} (powers of
 *       1024), e.g. {@code 65536} or {@code 64KiB};</li>
 *   <li>count: a whole number of at least 1; port: 0-65535; host: a name or IP address without spaces; path: any
 *       path the file system accepts.</li>
 * </ul>
 * A refusal is an {@link IllegalArgumentException} whose message names the value and the expectation; the caller
 * prefixes the setting's name as the host spells it. Values of a {@linkplain #secret() secret} type never appear in
 * a message.
 *
 * @param <T> the value's type
 */
public final class SettingType<T> {

    private static final Pattern DURATION_TEXT = Pattern.compile("(\\d+)\\s*([a-z]*)");
    private static final Pattern SIZE_TEXT = Pattern.compile("(\\d+)\\s*([a-z]*)");
    private static final String DURATION_EXPECTED = "a positive duration such as 19s, 500ms or 15m";

    /** {@code true}/{@code false} and their usual synonyms; a standalone switch given alone means true. */
    public static final SettingType<Boolean> SWITCH = new SettingType<>("switch", null, SettingType::parseSwitch,
            String::valueOf, false);

    /** A positive duration with its unit, at millisecond precision. */
    public static final SettingType<Duration> DURATION = new SettingType<>("duration", "DURATION",
            SettingType::parseDuration, SettingType::formatDuration, false);

    /** A duration as {@link #DURATION}, or {@code 0} (with or without a unit) to turn off what it bounds. */
    public static final SettingType<Duration> DURATION_OR_OFF = new SettingType<>("duration or 0", "DURATION",
            SettingType::parseDurationOrOff, SettingType::formatDuration, false);

    /** A size in bytes, from 0 to 2 GiB - 1. */
    public static final SettingType<Integer> SIZE = new SettingType<>("size", "BYTES", SettingType::parseSize,
            String::valueOf, false);

    /** A whole number of at least 1. */
    public static final SettingType<Integer> COUNT = new SettingType<>("count", "N", SettingType::parseCount,
            String::valueOf, false);

    /** A whole number of at least 0, where 0 means no limit. */
    public static final SettingType<Integer> LIMIT = new SettingType<>("limit", "N", SettingType::parseLimit,
            String::valueOf, false);

    /** A TCP port, 0 meaning any free one. */
    public static final SettingType<Integer> PORT = new SettingType<>("port", "PORT", SettingType::parsePort,
            String::valueOf, false);

    /** A host name or IP address to listen on. */
    public static final SettingType<String> HOST = new SettingType<>("host", "HOST", SettingType::parseHost,
            Function.identity(), false);

    /** A file or directory; a relative one is resolved against the host's base directory when settings are built. */
    public static final SettingType<Path> PATH = new SettingType<>("path", "PATH", SettingType::parsePath,
            Path::toString, false);

    /** Free text, checked by its consumer (e.g. the node location, as a whole, by {@code RoutingSettings}). */
    public static final SettingType<String> TEXT = new SettingType<>("text", "TEXT", String::strip,
            Function.identity(), false);

    private final String name;
    private final String valueName;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final boolean secret;

    private SettingType(String name, String valueName, Function<String, T> parser, Function<T, String> formatter,
                        boolean secret) {
        this.name = name;
        this.valueName = valueName;
        this.parser = parser;
        this.formatter = formatter;
        this.secret = secret;
    }

    /**
     * A type of its own, for values with a domain parser (a token, a key, a list of address ranges).
     *
     * @param valueName placeholder in {@code --help}, e.g. {@code CIDRS}
     * @param parser    reads stripped, non-blank text; throws {@link IllegalArgumentException} saying why
     * @param formatter writes a value back as text the parser accepts
     */
    public static <T> SettingType<T> of(String name, String valueName, Function<String, T> parser,
                                        Function<T, String> formatter) {
        return new SettingType<>(name, Objects.requireNonNull(valueName, "valueName"), parser, formatter, false);
    }

    /** The same type, whose values are never shown (in messages, {@code toString} or documentation). */
    public SettingType<T> asSecret() {
        return new SettingType<>(name, valueName, parser, formatter, true);
    }

    /** A short name of the kind of value, for documentation ({@code duration}, {@code switch} …). */
    public String name() {
        return name;
    }

    /** The placeholder of a value in {@code --help}; null for a switch, which needs none. */
    public String valueName() {
        return valueName;
    }

    /** Whether values are kept out of messages and listings. */
    public boolean secret() {
        return secret;
    }

    /**
     * Reads a value.
     *
     * @throws IllegalArgumentException naming the value (unless secret) and what was expected
     */
    public T parse(String text) {
        Objects.requireNonNull(text, "text");
        return parser.apply(text);
    }

    /** Writes a value as text that {@link #parse} reads back. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /**
     * Checks a value given in code ({@code FulcrumSettings.Builder#set}) by the same rules as text: it must survive
     * a round trip through {@link #format} and {@link #parse}.
     *
     * @throws IllegalArgumentException as {@link #parse}
     */
    T check(T value) {
        if (value != null) {
            parse(format(value));
        }
        return value;
    }

    @Override
    public String toString() {
        return name;
    }

    private static Boolean parseSwitch(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not a switch value (expected: true or "
                    + "false)");
        };
    }

    private static Duration parseDuration(String text) {
        // Unquoted, as operators have always seen these messages; only an empty value needs quotes to show.
        final String shown = text.isBlank() ? "'" + text + "'" : text;
        final Matcher m = DURATION_TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(shown + " (expected: " + DURATION_EXPECTED + ")");
        }
        final long unitMillis = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "" -> throw new IllegalArgumentException(shown + " has no unit (expected: " + DURATION_EXPECTED
                    + "; units: ms, s, m, h)");
            default -> throw new IllegalArgumentException(shown + " (expected: " + DURATION_EXPECTED
                    + "; units: ms, s, m, h)");
        };
        try {
            final long amount = Long.parseLong(m.group(1));
            if (amount > 0) {
                return Duration.ofMillis(Math.multiplyExact(amount, unitMillis));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // refused below
        }
        throw new IllegalArgumentException(shown + " (expected: " + DURATION_EXPECTED + ")");
    }

    private static Duration parseDurationOrOff(String text) {
        final String bare = text.strip().toLowerCase(Locale.ROOT);
        if (bare.matches("0+\\s*(ms|s|m|h)?")) {
            return Duration.ZERO;
        }
        try {
            return parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace(DURATION_EXPECTED, DURATION_EXPECTED
                    + ", or 0 for none"), e);
        }
    }

    private static String formatDuration(Duration value) {
        final long millis = value.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static Integer parseSize(String text) {
        final Matcher m = SIZE_TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        final String expected = "' is not a size (expected: a number of bytes, alone or with B, KiB, MiB or GiB, "
                + "e.g. 65536 or 64KiB)";
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + expected);
        }
        final int shift = switch (m.group(2)) {
            case "", "b" -> 0;
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            default -> throw new IllegalArgumentException("'" + text + expected);
        };
        try {
            final long bytes = Long.parseLong(m.group(1));
            if (bytes <= (Integer.MAX_VALUE >> shift)) {
                return (int) (bytes << shift);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + text + "' is too large a size (expected: at most 2 GiB - 1)");
    }

    private static Integer parseCount(String text) {
        try {
            final int n = Integer.parseInt(text.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + text + "' is not a count (expected: an integer of at least 1)");
    }

    private static Integer parseLimit(String text) {
        try {
            final int n = Integer.parseInt(text.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + text + "' is not a limit (expected: an integer of at least 0, 0 for "
                + "none)");
    }

    private static Integer parsePort(String text) {
        try {
            final int port = Integer.parseInt(text.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + text + "' is not a port number (expected: 0-65535)");
    }

    private static String parseHost(String text) {
        final String host = text.strip();
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + text + "' is not a host name or IP address");
        }
        return host;
    }

    private static Path parsePath(String text) {
        final String path = text.strip();
        try {
            if (!path.isEmpty()) {
                return Path.of(path);
            }
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a usable path (" + e.getReason() + ")");
        }
        throw new IllegalArgumentException("'" + text + "' is not a usable path (expected: a file or directory)");
    }
}
