package dev.fulcrum.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code wildcard} / {@code strict wildcard} pattern (spec §6.1): it must match the whole value; {@code *} stands
 * for any run of characters (none included), {@code \*} for a literal star and {@code \\} for a backslash. Two stars
 * in a row are refused, as Cloudflare does. {@code wildcard} ignores the case of A-Z only; {@code strict wildcard}
 * compares exactly.
 *
 * <p>Matching is greedy left to right over the literal pieces between stars, which is exact for a pattern whose only
 * metacharacter is {@code *}: at most one scan of the value per piece, so no input makes it backtrack.
 */
final class Wildcard {

    /** The literal pieces; a star sits between each two. One piece means no star: plain equality. */
    private final String[] pieces;
    private final boolean ignoreCase;

    private Wildcard(String[] pieces, boolean ignoreCase) {
        this.pieces = pieces;
        this.ignoreCase = ignoreCase;
    }

    /**
     * @param position where the pattern's literal starts in the condition, for errors
     * @throws ConditionException for {@code **}, a lone trailing backslash or an escape other than {@code \*} and
     *                            {@code \\}
     */
    static Wildcard compile(String pattern, boolean ignoreCase, int position) throws ConditionException {
        final List<String> pieces = new ArrayList<>();
        final StringBuilder piece = new StringBuilder();
        boolean lastWasStar = false;
        for (int i = 0; i < pattern.length(); i++) {
            final char c = pattern.charAt(i);
            if (c == '*') {
                if (lastWasStar) {
                    throw new ConditionException(position, "\"**\" in the wildcard pattern " + quote(pattern),
                            "a single * for any run of characters; \\* for a literal star");
                }
                pieces.add(piece.toString());
                piece.setLength(0);
                lastWasStar = true;
                continue;
            }
            lastWasStar = false;
            if (c == '\\') {
                final char next = i + 1 < pattern.length() ? pattern.charAt(i + 1) : 0;
                if (next != '*' && next != '\\') {
                    throw new ConditionException(position, "a backslash not followed by * or \\ in the wildcard "
                            + "pattern " + quote(pattern), "\\* for a literal star, \\\\ for a backslash");
                }
                piece.append(next);
                i++;
                continue;
            }
            piece.append(c);
        }
        pieces.add(piece.toString());
        return new Wildcard(pieces.toArray(new String[0]), ignoreCase);
    }

    boolean matches(String value) {
        final String first = pieces[0];
        if (pieces.length == 1) {
            return value.length() == first.length() && Ascii.regionEquals(value, 0, first, ignoreCase);
        }
        final String last = pieces[pieces.length - 1];
        if (value.length() < first.length() + last.length()
                || !Ascii.regionEquals(value, 0, first, ignoreCase)
                || !Ascii.regionEquals(value, value.length() - last.length(), last, ignoreCase)) {
            return false;
        }
        int at = first.length();
        final int end = value.length() - last.length();
        for (int p = 1; p < pieces.length - 1; p++) {
            final int found = indexOf(value, pieces[p], at, end);
            if (found < 0) {
                return false;
            }
            at = found + pieces[p].length();
        }
        return true;
    }

    /** The first index in [from, end - piece.length] where {@code piece} occurs, or -1. */
    private int indexOf(String value, String piece, int from, int end) {
        if (!ignoreCase) {
            final int found = value.indexOf(piece, from);
            return found >= 0 && found + piece.length() <= end ? found : -1;
        }
        for (int i = from; i + piece.length() <= end; i++) {
            if (Ascii.regionEquals(value, i, piece, true)) {
                return i;
            }
        }
        return -1;
    }

    static String quote(String text) {
        return '"' + text + '"';
    }
}
