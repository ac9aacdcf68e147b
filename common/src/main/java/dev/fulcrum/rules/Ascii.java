package dev.fulcrum.rules;

/**
 * ASCII-only case handling: Cloudflare's {@code lower()} and case-insensitive {@code wildcard} change only the
 * letters A-Z and leave every other character (and byte) as it is.
 */
final class Ascii {

    private Ascii() {
    }

    static String lower(String s) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                final char[] out = s.toCharArray();
                for (int j = i; j < out.length; j++) {
                    if (out[j] >= 'A' && out[j] <= 'Z') {
                        out[j] = (char) (out[j] + ('a' - 'A'));
                    }
                }
                return new String(out);
            }
        }
        return s; // no upper-case letter: no copy
    }

    static boolean regionEquals(String value, int offset, String piece, boolean ignoreCase) {
        if (offset < 0 || offset + piece.length() > value.length()) {
            return false;
        }
        for (int i = 0; i < piece.length(); i++) {
            final char a = value.charAt(offset + i);
            final char b = piece.charAt(i);
            if (a != b && (!ignoreCase || lowerChar(a) != lowerChar(b))) {
                return false;
            }
        }
        return true;
    }

    private static char lowerChar(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
