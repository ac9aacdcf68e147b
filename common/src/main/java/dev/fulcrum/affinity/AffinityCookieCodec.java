package dev.fulcrum.affinity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code __cflb} cookie (spec §5.1): an opaque, tamper-proof token naming the load balancer, pool and origin a
 * session is pinned to, and when the pin expires.
 *
 * <p>Token [G]: 48 bytes in base64url without padding (64 characters):
 * <pre>
 *   0      version (1)
 *   1..4   expiry, epoch seconds, unsigned big-endian
 *   5..12  load balancer: stable hash of its id
 *   13..20 pool: stable hash of its id
 *   21..28 origin: stable hash of address:port (its identity, as in hash steering)
 *   29..31 random nonce, so two clients pinned to one origin in the same second are two sessions
 *   32..47 HMAC-SHA256 of bytes 0..31 with the {@link AffinityKey}, first 16 bytes
 * </pre>
 * The hashes are the ones steering uses ({@code request.Hashing}), so any node with the same key and
 * configuration reads any node's cookie. Renaming an origin keeps its pins; changing its address or port does not.
 *
 * <p>A token is refused (null from {@link #decode}) when malformed, of another version or load balancer, expired,
 * expiring further away than the load balancer's TTL allows (plus {@value #CLOCK_SKEW_SECONDS} s of clock skew
 * between nodes, so a shortened TTL takes effect at once), or wrongly signed; the signature is compared in constant
 * time. Cheap checks come first, so a stale or foreign cookie costs no HMAC.
 *
 * <p>Thread safety: safe (the key is one volatile reference, see {@link #rekey}); each thread keeps its own HMAC state and buffers ({@link HmacSha256}), so decoding
 * allocates only the returned {@link Pin}, and a new cookie only its Set-Cookie string.
 */
public final class AffinityCookieCodec {

    /** The cookie's name, as Cloudflare's. */
    public static final String COOKIE_NAME = "__cflb";
    /** Accepted difference between nodes' clocks when checking an expiry against the TTL, in seconds. */
    public static final long CLOCK_SKEW_SECONDS = 60;

    static final int VERSION = 1;
    static final int PAYLOAD_BYTES = 32;
    static final int MAC_BYTES = 16;
    static final int TOKEN_BYTES = PAYLOAD_BYTES + MAC_BYTES;
    static final int TOKEN_CHARS = TOKEN_BYTES / 3 * 4;

    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }

    /**
     * A verified pin read from a cookie; {@code sessionHash} is a keyed hash of the whole token (its signature), so
     * it is evenly spread and differs per cookie.
     */
    public record Pin(long poolHash, long originHash, long expiresEpochSecond, long sessionHash) {
    }

    /** A key with its per-thread HMAC states; replaced whole by {@link #rekey}. */
    private record Keyed(AffinityKey key, ThreadLocal<Scratch> scratch) {
    }

    private volatile Keyed keyed;

    public AffinityCookieCodec(AffinityKey key) {
        this.keyed = keyed(key);
    }

    private static Keyed keyed(AffinityKey key) {
        Objects.requireNonNull(key, "key");
        newScratch(key); // fail here, not on the first request, should the platform lack SHA-256
        return new Keyed(key, ThreadLocal.withInitial(() -> newScratch(key)));
    }

    /** The key this codec signs with. */
    public AffinityKey key() {
        return keyed.key();
    }

    /**
     * Signs and verifies with {@code key} from now on: a cluster whose shared key was replaced on another node.
     * Cookies signed with the old key are then refused, and their sessions pinned anew.
     */
    public void rekey(AffinityKey key) {
        keyed = keyed(key);
    }

    /** A signed token for a pin that expires at {@code expiresEpochSecond}. */
    public String encode(long lbHash, long poolHash, long originHash, long expiresEpochSecond) {
        final StringBuilder out = new StringBuilder(TOKEN_CHARS);
        appendToken(out, lbHash, poolHash, originHash, expiresEpochSecond);
        return out.toString();
    }

    /**
     * The {@code Set-Cookie} value pinning a session, built in one buffer: {@code __cflb=<token>; Path=/;
     * Expires=<RFC 1123 date>; HttpOnly; SameSite=<sameSite>} and {@code ; Secure} when asked; never a Domain
     * (spec §5.1).
     */
    public String setCookie(long lbHash, long poolHash, long originHash, long expiresEpochSecond, String sameSite,
                            boolean secure) {
        final StringBuilder out = new StringBuilder(COOKIE_NAME.length() + TOKEN_CHARS + 80);
        out.append(COOKIE_NAME).append('=');
        appendToken(out, lbHash, poolHash, originHash, expiresEpochSecond);
        appendAttributes(out, expiresEpochSecond, sameSite, secure);
        return out.toString();
    }

    private void appendToken(StringBuilder out, long lbHash, long poolHash, long originHash,
                             long expiresEpochSecond) {
        if (expiresEpochSecond < 0 || expiresEpochSecond > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("expiry " + expiresEpochSecond + " (expected: 0 to 2^32-1 epoch s)");
        }
        final Scratch s = keyed.scratch().get();
        final byte[] t = s.token;
        t[0] = VERSION;
        putInt(t, 1, (int) expiresEpochSecond);
        putLong(t, 5, lbHash);
        putLong(t, 13, poolHash);
        putLong(t, 21, originHash);
        final int nonce = ThreadLocalRandom.current().nextInt();
        t[29] = (byte) (nonce >>> 16);
        t[30] = (byte) (nonce >>> 8);
        t[31] = (byte) nonce;
        sign(s);
        System.arraycopy(s.digest, 0, t, PAYLOAD_BYTES, MAC_BYTES);
        for (int i = 0; i < TOKEN_BYTES; i += 3) {
            final int bits = (t[i] & 0xFF) << 16 | (t[i + 1] & 0xFF) << 8 | (t[i + 2] & 0xFF);
            out.append((char) ALPHABET[bits >>> 18])
                    .append((char) ALPHABET[bits >>> 12 & 0x3F])
                    .append((char) ALPHABET[bits >>> 6 & 0x3F])
                    .append((char) ALPHABET[bits & 0x3F]);
        }
    }

    /**
     * The pin in the first {@value #COOKIE_NAME} cookie of a {@code Cookie} header that is valid for this load
     * balancer (a client may carry several, e.g. one from a Cloudflare load balancer in front), or null.
     *
     * @param cookieHeader   the request's Cookie header, or null
     * @param ttlSeconds     the load balancer's current {@code session_affinity_ttl}
     */
    public Pin find(String cookieHeader, long lbHash, long nowEpochSecond, long ttlSeconds) {
        if (cookieHeader == null) {
            return null;
        }
        int from = 0;
        while (true) {
            final long found = Cookies.find(cookieHeader, COOKIE_NAME, from);
            if (found == Cookies.ABSENT) {
                return null;
            }
            final Pin pin = decode(cookieHeader, Cookies.start(found), Cookies.end(found), lbHash, nowEpochSecond,
                    ttlSeconds);
            if (pin != null) {
                return pin;
            }
            from = Cookies.end(found);
        }
    }

    /** The pin in {@code text[start, end)} if it is a valid token for this load balancer now, else null. */
    public Pin decode(CharSequence text, int start, int end, long lbHash, long nowEpochSecond, long ttlSeconds) {
        if (end - start != TOKEN_CHARS) {
            return null;
        }
        final Scratch s = keyed.scratch().get();
        final byte[] t = s.token;
        for (int i = start, o = 0; i < end; i += 4, o += 3) {
            final int a = value(text.charAt(i));
            final int b = value(text.charAt(i + 1));
            final int c = value(text.charAt(i + 2));
            final int d = value(text.charAt(i + 3));
            if ((a | b | c | d) < 0) {
                return null;
            }
            final int bits = a << 18 | b << 12 | c << 6 | d;
            t[o] = (byte) (bits >>> 16);
            t[o + 1] = (byte) (bits >>> 8);
            t[o + 2] = (byte) bits;
        }
        if (t[0] != VERSION) {
            return null;
        }
        final long expires = getInt(t, 1) & 0xFFFF_FFFFL;
        if (expires <= nowEpochSecond || expires > nowEpochSecond + ttlSeconds + CLOCK_SKEW_SECONDS) {
            return null;
        }
        if (getLong(t, 5) != lbHash) {
            return null;
        }
        sign(s);
        int difference = 0;
        for (int i = 0; i < MAC_BYTES; i++) {
            difference |= s.digest[i] ^ t[PAYLOAD_BYTES + i];
        }
        if (difference != 0) {
            return null;
        }
        return new Pin(getLong(t, 13), getLong(t, 21), expires, getLong(t, PAYLOAD_BYTES));
    }

    /** The {@code Set-Cookie} value for a given token (see the instance method). */
    public static String setCookie(String token, long expiresEpochSecond, String sameSite, boolean secure) {
        final StringBuilder out = new StringBuilder(COOKIE_NAME.length() + token.length() + 80);
        out.append(COOKIE_NAME).append('=').append(token);
        appendAttributes(out, expiresEpochSecond, sameSite, secure);
        return out.toString();
    }

    private static void appendAttributes(StringBuilder out, long expiresEpochSecond, String sameSite,
                                         boolean secure) {
        out.append("; Path=/; Expires=");
        HttpDates.append(out, expiresEpochSecond);
        out.append("; HttpOnly; SameSite=").append(sameSite);
        if (secure) {
            out.append("; Secure");
        }
    }

    private void sign(Scratch s) {
        s.mac.mac(s.token, 0, PAYLOAD_BYTES, s.digest);
    }

    private static Scratch newScratch(AffinityKey key) {
        final byte[] secret = key.spec().getEncoded();
        try {
            return new Scratch(new HmacSha256(secret));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static int value(char c) {
        return c < 128 ? VALUES[c] : -1;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    private static long getLong(byte[] b, int at) {
        return (long) getInt(b, at) << 32 | (getInt(b, at + 4) & 0xFFFF_FFFFL);
    }

    /** One thread's HMAC and buffers. */
    private static final class Scratch {
        final HmacSha256 mac;
        final byte[] token = new byte[TOKEN_BYTES];
        final byte[] digest = new byte[HmacSha256.LENGTH];

        Scratch(HmacSha256 mac) {
            this.mac = mac;
        }
    }
}
