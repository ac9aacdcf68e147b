package dev.fulcrum.rules;

/**
 * IP address text to bytes without any name lookup: dotted-quad IPv4 (no leading zeros, which some parsers read as
 * octal) and RFC 4291 IPv6 ({@code ::} compression, an embedded IPv4 tail). IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d})
 * folds to its 4 IPv4 bytes, so a client that a dual-stack container reports in mapped form matches IPv4 rules.
 * Public for the router's trusted-proxy check ({@code routing.TrustedProxies}), which reads the same literals.
 */
public final class IpText {

    private IpText() {
    }

    /** A client address from the container: brackets and an IPv6 zone ({@code %eth0}) are dropped. */
    public static byte[] parseClient(String text) {
        String s = text;
        if (s.length() > 1 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            s = s.substring(1, s.length() - 1);
        }
        final int zone = s.indexOf('%');
        return parse(zone < 0 ? s : s.substring(0, zone));
    }

    /** 4 or 16 bytes, or null when {@code s} is not an IP literal. */
    public static byte[] parse(String s) {
        if (s.indexOf(':') >= 0) {
            final byte[] v6 = parseV6(s);
            return v6 == null ? null : foldMapped(v6);
        }
        return parseV4(s, 0, s.length());
    }

    private static byte[] parseV4(String s, int from, int to) {
        final byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (part < 4) {
            final int start = i;
            int value = 0;
            while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            final int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == to ? out : null;
    }

    private static byte[] parseV6(String s) {
        final int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        final int[] head = new int[8];
        final int[] tail = new int[8];
        final int headCount;
        final int tailCount;
        if (gap < 0) {
            headCount = groups(s, 0, s.length(), head, true);
            tailCount = 0;
            if (headCount != 8) {
                return null;
            }
        } else {
            headCount = gap == 0 ? 0 : groups(s, 0, gap, head, false);
            tailCount = gap + 2 == s.length() ? 0 : groups(s, gap + 2, s.length(), tail, true);
            // "::" stands for at least one zero group.
            if (headCount < 0 || tailCount < 0 || headCount + tailCount > 7) {
                return null;
            }
        }
        final int[] all = new int[8];
        System.arraycopy(head, 0, all, 0, headCount);
        System.arraycopy(tail, 0, all, 8 - tailCount, tailCount);
        final byte[] out = new byte[16];
        for (int g = 0; g < 8; g++) {
            out[2 * g] = (byte) (all[g] >>> 8);
            out[2 * g + 1] = (byte) all[g];
        }
        return out;
    }

    /**
     * Reads ':'-separated hex groups of {@code s[from, to)} into {@code out}; a last group in dotted form fills two
     * groups when {@code dottedTail}. Returns the group count, or -1 when malformed.
     */
    private static int groups(String s, int from, int to, int[] out, boolean dottedTail) {
        int count = 0;
        int i = from;
        while (true) {
            int end = s.indexOf(':', i);
            if (end < 0 || end > to) {
                end = to;
            }
            final String group = s.substring(i, end);
            if (end == to && dottedTail && group.indexOf('.') >= 0) {
                final byte[] quad = parseV4(s, i, end);
                if (quad == null || count > 6) {
                    return -1;
                }
                out[count++] = ((quad[0] & 0xff) << 8) | (quad[1] & 0xff);
                out[count++] = ((quad[2] & 0xff) << 8) | (quad[3] & 0xff);
                return count;
            }
            if (group.isEmpty() || group.length() > 4 || count == 8) {
                return -1;
            }
            int value = 0;
            for (int k = 0; k < group.length(); k++) {
                final int digit = Character.digit(group.charAt(k), 16);
                if (digit < 0) {
                    return -1;
                }
                value = value * 16 + digit;
            }
            out[count++] = value;
            if (end == to) {
                return count;
            }
            i = end + 1;
            if (i >= to) {
                return -1; // trailing single ':'
            }
        }
    }

    private static byte[] foldMapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return v6;
            }
        }
        if (v6[10] != (byte) 0xff || v6[11] != (byte) 0xff) {
            return v6;
        }
        return new byte[] {v6[12], v6[13], v6[14], v6[15]};
    }
}
