package dev.fulcrum.affinity;

/**
 * Allocation-free lookups in a {@code Cookie} request header (RFC 6265 §4.2: {@code name=value} pairs separated by
 * {@code ;}). Lenient like browsers and servers: blanks around names and values are skipped, a value in double
 * quotes is returned without them, pairs without {@code =} are ignored. Names compare case-sensitively.
 */
final class Cookies {

    /** What {@link #find} returns when the cookie is absent. */
    static final long ABSENT = -1;

    private Cookies() {
    }

    /**
     * The value of the first cookie named {@code name} at or after {@code from}, as {@code start << 32 | end}
     * (offsets into {@code header}), or {@link #ABSENT}. Search again from {@link #end} for a later cookie of the
     * same name.
     */
    static long find(String header, String name, int from) {
        final int n = header.length();
        final int nameLength = name.length();
        int i = from;
        while (i < n) {
            while (i < n && isSeparator(header.charAt(i))) {
                i++;
            }
            final int start = i;
            int semi = header.indexOf(';', i);
            if (semi < 0) {
                semi = n;
            }
            final int eq = header.indexOf('=', start);
            if (eq > start && eq < semi) {
                int nameEnd = eq;
                while (nameEnd > start && isBlank(header.charAt(nameEnd - 1))) {
                    nameEnd--;
                }
                if (nameEnd - start == nameLength && header.startsWith(name, start)) {
                    int valueStart = eq + 1;
                    int valueEnd = semi;
                    while (valueStart < valueEnd && isBlank(header.charAt(valueStart))) {
                        valueStart++;
                    }
                    while (valueEnd > valueStart && isBlank(header.charAt(valueEnd - 1))) {
                        valueEnd--;
                    }
                    if (valueEnd - valueStart >= 2 && header.charAt(valueStart) == '"'
                            && header.charAt(valueEnd - 1) == '"') {
                        valueStart++;
                        valueEnd--;
                    }
                    return (long) valueStart << 32 | valueEnd;
                }
            }
            i = semi + 1;
        }
        return ABSENT;
    }

    /** The start offset of a found value. */
    static int start(long found) {
        return (int) (found >>> 32);
    }

    /** The end offset (exclusive) of a found value. */
    static int end(long found) {
        return (int) found;
    }

    private static boolean isSeparator(char c) {
        return c == ';' || isBlank(c);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
