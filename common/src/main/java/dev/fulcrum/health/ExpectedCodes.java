package dev.fulcrum.health;

import java.util.BitSet;
import java.util.Locale;

/**
 * The parsed {@code expected_codes} of an http/https monitor: one code ({@code "200"}), a class wildcard
 * ({@code "2xx"}), or a comma list of either ({@code "200,301"}, spec §3 [G]). Blank means {@code "200"}.
 * Values compare by the set of codes they accept, so {@code "2xx"} and {@code "2XX"} are the same plan.
 */
final class ExpectedCodes {

    private static final int MIN = 100;
    private static final int MAX = 599;

    // Bit n set = status n passes; fixed after construction and never handed out.
    private final BitSet accepted;
    private final String source;

    private ExpectedCodes(BitSet accepted, String source) {
        this.accepted = accepted;
        this.source = source;
    }

    /** Parses the monitor field; throws IllegalArgumentException naming the bad entry. */
    static ExpectedCodes parse(String text) {
        final String source = text == null || text.isBlank() ? "200" : text.trim();
        final BitSet accepted = new BitSet(MAX + 1);
        for (final String raw : source.split(",", -1)) {
            final String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.length() == 3 && entry.endsWith("xx") && entry.charAt(0) >= '1' && entry.charAt(0) <= '5') {
                final int base = (entry.charAt(0) - '0') * 100;
                accepted.set(base, base + 100);
            } else if (entry.length() == 3 && entry.chars().allMatch(Character::isDigit)) {
                final int code = Integer.parseInt(entry);
                if (code < MIN || code > MAX) {
                    throw invalid(source, raw);
                }
                accepted.set(code);
            } else {
                throw invalid(source, raw);
            }
        }
        return new ExpectedCodes(accepted, source);
    }

    private static IllegalArgumentException invalid(String source, String entry) {
        return new IllegalArgumentException("expected_codes: \"" + source + "\" has \"" + entry.trim()
                + "\" (expected: a status code 100-599 or a class like 2xx, comma separated)");
    }

    boolean matches(int status) {
        return status >= MIN && status <= MAX && accepted.get(status);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExpectedCodes codes && codes.accepted.equals(accepted);
    }

    @Override
    public int hashCode() {
        return accepted.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
