package dev.fulcrum.tls;

import java.util.List;

/**
 * What a Fulcrum TLS listener accepts from clients: TLS 1.2 and 1.3 only, and only forward-secret AEAD cipher
 * suites (ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2; TLS 1.3 has nothing else). That is the set modern
 * clients negotiate anyway, and it is also what HTTP/2 requires of TLS 1.2 (RFC 9113 §9.2.2), so no h2 client is
 * turned away over a cipher.
 */
public final class TlsPolicy {

    /** The protocol versions offered, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** The cipher suites offered, as regular expressions over the JSSE names. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_(ECDSA|RSA)_WITH_AES_(128_GCM_SHA256|256_GCM_SHA384)",
            "TLS_ECDHE_(ECDSA|RSA)_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {
    }
}
