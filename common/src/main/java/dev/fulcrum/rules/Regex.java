package dev.fulcrum.rules;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code matches} / {@code ~} operator on {@link java.util.regex}. Cloudflare evaluates Rust's regex crate, a
 * linear-time engine without backtracking; Java's engine backtracks, so two guards keep a hostile pattern or value
 * from holding a request thread:
 * <ul>
 *   <li>at compile time, the constructs Rust refuses are refused too: backreferences ({@code \1}, {@code \k<n>}),
 *       look-around, atomic groups, possessive quantifiers, {@code \Q…\E}, and inline flags other than
 *       {@code i m s x}. Rust's {@code (?P<name>…)} is accepted as Java's {@code (?<name>…)} (Java group names
 *       allow letters and digits only, no {@code _});</li>
 *   <li>at match time, the engine reads the value through a counter: a search that needs more than
 *       {@value #MAX_STEPS} character reads, or that overflows the stack on a deeply repeated group, is abandoned
 *       and counts as no match. Ordinary patterns on values of a few KB stay far below the budget.</li>
 * </ul>
 * {@code \d}, {@code \w}, {@code \s} and {@code (?i)} are Unicode-aware, as in Rust. A leading unanchored {@code .*}
 * is dropped: it cannot change whether a search finds a match, and it is the commonest cause of quadratic searches.
 */
final class Regex {

    /** Character reads one search may make before it is abandoned (about a millisecond of work). */
    static final int MAX_STEPS = 1_000_000;
    /** Deepest nesting of groups accepted: Rust's regex parser refuses deeper by default (its nest limit). */
    static final int MAX_NESTING = 250;
    private static final String RUST = "Rust regex syntax without backreferences, look-around, atomic groups or "
            + "possessive quantifiers";

    private final Pattern pattern;

    private Regex(Pattern pattern) {
        this.pattern = pattern;
    }

    static Regex compile(String regex, int position) throws ConditionException {
        final String java = check(regex, position);
        try {
            return new Regex(Pattern.compile(java, Pattern.UNICODE_CHARACTER_CLASS));
        } catch (PatternSyntaxException e) {
            throw new ConditionException(position, "invalid regular expression " + Wildcard.quote(regex) + ": "
                    + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""), RUST);
        } catch (StackOverflowError e) {
            // Java's regex compiler recurses per nested construct; the nesting limit keeps groups well away from
            // this, and this keeps any other deep construct from taking the thread down.
            throw nestedTooDeeply(position);
        }
    }

    /** True when the pattern occurs anywhere in {@code value}; false also when the search ran out of budget. */
    boolean find(String value) {
        try {
            return pattern.matcher(new Budget(value)).find();
        } catch (Budget.Exhausted | StackOverflowError e) {
            return false;
        }
    }

    /** Refuses what Rust's syntax lacks and returns the pattern in Java's spelling. */
    private static String check(String regex, int position) throws ConditionException {
        final StringBuilder out = new StringBuilder(regex.length());
        final int n = regex.length();
        int classDepth = 0;
        int groupDepth = 0;
        int i = 0;
        if (regex.startsWith(".*") && (n == 2 || "*+?{".indexOf(regex.charAt(2)) < 0)) {
            i = 2;
        }
        while (i < n) {
            final char c = regex.charAt(i);
            if (c == '\\') {
                final char next = i + 1 < n ? regex.charAt(i + 1) : 0;
                if (classDepth == 0 && (next >= '1' && next <= '9' || next == 'k')) {
                    throw refused(position, regex, "a backreference");
                }
                if (next == 'Q' || next == 'E') {
                    throw refused(position, regex, "\\Q…\\E quoting");
                }
                out.append(c);
                if (next != 0) {
                    out.append(next);
                }
                i += 2;
                continue;
            }
            if (classDepth > 0) {
                if (c == '[') {
                    classDepth++;
                } else if (c == ']') {
                    classDepth--;
                }
                out.append(c);
                i++;
                continue;
            }
            if (c == '[') {
                classDepth = 1;
                out.append(c);
                i++;
                // A ']' first in a class (after an optional '^') is a literal, not the end.
                if (i < n && regex.charAt(i) == '^') {
                    out.append('^');
                    i++;
                }
                if (i < n && regex.charAt(i) == ']') {
                    out.append("\\]");
                    i++;
                }
                continue;
            }
            if (c == '(' && ++groupDepth > MAX_NESTING) {
                throw nestedTooDeeply(position);
            }
            if (c == ')') {
                groupDepth--;
            }
            if (c == '(' && i + 1 < n && regex.charAt(i + 1) == '?') {
                i = group(regex, i, out, position);
                continue;
            }
            if (c == '{') {
                final int close = repetitionEnd(regex, i);
                if (close > 0) {
                    out.append(regex, i, close + 1);
                    i = close + 1;
                    possessive(regex, i, position);
                    continue;
                }
            }
            out.append(c);
            i++;
            if (c == '*' || c == '+' || c == '?') {
                possessive(regex, i, position);
            }
        }
        return out.toString();
    }

    private static ConditionException nestedTooDeeply(int position) {
        return new ConditionException(position, "a regular expression nested too deeply (more than " + MAX_NESTING
                + " groups)", RUST);
    }

    /** Handles {@code (?…}: named groups, non-capturing groups and flags; returns the index after what it copied. */
    private static int group(String regex, int i, StringBuilder out, int position) throws ConditionException {
        final int n = regex.length();
        final char kind = i + 2 < n ? regex.charAt(i + 2) : 0;
        final char after = i + 3 < n ? regex.charAt(i + 3) : 0;
        if (kind == '=' || kind == '!' || kind == '<' && (after == '=' || after == '!')) {
            throw refused(position, regex, "a look-around group");
        }
        if (kind == '>') {
            throw refused(position, regex, "an atomic group");
        }
        if (kind == 'P') {
            if (after != '<') {
                throw refused(position, regex, "a (?P" + after + " group");
            }
            out.append("(?<");
            return i + 4;
        }
        if (kind == '<' || kind == ':') {
            out.append(regex, i, i + 3);
            return i + 3;
        }
        int j = i + 2;
        while (j < n && regex.charAt(j) != ':' && regex.charAt(j) != ')') {
            if ("imsx-".indexOf(regex.charAt(j)) < 0) {
                throw refused(position, regex, "the inline flag '" + regex.charAt(j) + "' (i, m, s and x are "
                        + "supported)");
            }
            j++;
        }
        out.append(regex, i, j);
        return j;
    }

    /** The index of the '}' closing a repetition {n}, {n,} or {n,m} that starts at {@code open}, or -1. */
    private static int repetitionEnd(String regex, int open) {
        int j = open + 1;
        final int start = j;
        while (j < regex.length() && Character.isDigit(regex.charAt(j))) {
            j++;
        }
        if (j == start) {
            return -1;
        }
        if (j < regex.length() && regex.charAt(j) == ',') {
            j++;
            while (j < regex.length() && Character.isDigit(regex.charAt(j))) {
                j++;
            }
        }
        return j < regex.length() && regex.charAt(j) == '}' ? j : -1;
    }

    private static void possessive(String regex, int i, int position) throws ConditionException {
        if (i < regex.length() && regex.charAt(i) == '+') {
            throw refused(position, regex, "a possessive quantifier");
        }
    }

    private static ConditionException refused(int position, String regex, String what) {
        return new ConditionException(position, Wildcard.quote(regex) + " uses " + what
                + ", which Rust's regex engine (Cloudflare's) does not support", RUST);
    }

    /** The value as the regex engine sees it: every character read counts against {@link #MAX_STEPS}. */
    private static final class Budget implements CharSequence {

        /** Thrown to abandon a search; preallocated, without a stack trace, as it is control flow. */
        static final class Exhausted extends RuntimeException {
            private static final long serialVersionUID = 1L;
            static final Exhausted INSTANCE = new Exhausted();

            private Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String value;
        private int left = MAX_STEPS;

        Budget(String value) {
            this.value = value;
        }

        @Override
        public int length() {
            return value.length();
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw Exhausted.INSTANCE;
            }
            return value.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return value.subSequence(start, end);
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
