package dev.fulcrum.config;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Object identifiers: 32 lowercase hex characters, as Cloudflare uses for accounts, zones and objects (spec §0). */
public final class Ids {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    // SecureRandom so ids cannot be guessed from one another; they appear in URLs and cookies.
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A fresh random id (128 bits). Thread-safe. */
    public static String newId() {
        final byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        final char[] out = new char[32];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /** True when {@code id} is exactly 32 lowercase hex characters; false for null. */
    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
