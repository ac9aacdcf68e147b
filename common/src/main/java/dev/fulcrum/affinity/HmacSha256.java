package dev.fulcrum.affinity;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) over the platform's SHA-256, for one thread. {@code javax.crypto.Mac} computes the same
 * value but allocates two 32-byte arrays per call; this keeps its buffers, so verifying a cookie on the request path
 * allocates nothing, and SHA-256 keeps the JVM's hardware intrinsic. Not thread-safe: one per thread.
 */
final class HmacSha256 {

    static final int LENGTH = 32;
    private static final int BLOCK = 64;

    private final MessageDigest sha256;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] inner = new byte[LENGTH];

    HmacSha256(byte[] key) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        final byte[] k = key.length > BLOCK ? sha256.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            final byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        if (k != key) {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Writes HMAC(key, message[offset, offset + length)) into {@code out[0, 32)}. */
    void mac(byte[] message, int offset, int length, byte[] out) {
        try {
            sha256.update(innerPad);
            sha256.update(message, offset, length);
            sha256.digest(inner, 0, LENGTH);
            sha256.update(outerPad);
            sha256.update(inner);
            sha256.digest(out, 0, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 output is 32 bytes", e);
        }
    }
}
