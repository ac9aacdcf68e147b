package dev.fulcrum.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks {@code Authorization: Bearer <token>} against the SHA-256 hash of the one admin token (spec §7.3).
 *
 * <p>Only the hash is held: the plain token never stays in memory longer than one request. Hashes are compared
 * with {@link MessageDigest#isEqual}, which does not stop at the first differing byte.
 *
 * <p>Thread safety: safe; the token in force is one volatile reference, replaced whole ({@link #replace}).
 */
public final class BearerAuth {

    /** Shorter tokens are refused as the admin token: it is the only credential of the API. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /**
     * What a token (and the token part of the header) may contain: RFC 6750's b64token characters. Cloudflare's own
     * tokens are 40 URL-safe characters, which fit.
     */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final int MAX_TOKEN_LENGTH = 512;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    /** The token in force; replaced whole, so a check never sees one token's id with another's hash. */
    private record Credential(String tokenId, byte[] sha256) {
    }

    private volatile Credential credential;

    /**
     * @param tokenId 32 lowercase hex characters, reported by {@code /user/tokens/verify}
     * @param sha256  the SHA-256 of the token's UTF-8 bytes (32 bytes)
     */
    public BearerAuth(String tokenId, byte[] sha256) {
        this.credential = credential(tokenId, sha256);
    }

    private static Credential credential(String tokenId, byte[] sha256) {
        if (tokenId == null || !ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("token id must be 32 lowercase hex characters");
        }
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 hash has 32 bytes");
        }
        return new Credential(tokenId, sha256.clone());
    }

    public String tokenId() {
        return credential.tokenId();
    }

    /**
     * Puts another token in force at once, for every later request: a cluster whose token was rotated on another
     * node (the checks in flight finish with the token they read).
     */
    public void replace(String tokenId, byte[] sha256) {
        credential = credential(tokenId, sha256);
    }

    /** True when {@code token} has a token's form: RFC 6750 characters, 1–512 of them (see {@link #isUsable}). */
    public static boolean isWellFormed(String token) {
        return token != null && token.length() <= MAX_TOKEN_LENGTH && TOKEN.matcher(token).matches();
    }

    /**
     * True when {@code token} could be Fulcrum's admin token: a well-formed token of at least
     * {@value #MIN_TOKEN_LENGTH} characters.
     */
    public static boolean isUsable(String token) {
        return isWellFormed(token) && token.length() >= MIN_TOKEN_LENGTH;
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /**
     * Accepts the request or throws: 403/10000 without credentials or with a wrong token, 400/6003 (chain 6111) when
     * the Authorization header is not {@code Bearer <token>}.
     */
    public void check(ApiRequest request) {
        final List<String> values = request.headers("Authorization");
        if (values.isEmpty()) {
            throw ApiError.authentication();
        }
        if (values.size() > 1) {
            throw ApiError.malformedAuthorization();
        }
        final String value = values.get(0).strip();
        final int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            throw ApiError.malformedAuthorization();
        }
        final String token = value.substring(space + 1).strip();
        if (!isWellFormed(token)) {
            throw ApiError.malformedAuthorization();
        }
        if (!matches(token)) {
            throw ApiError.authentication();
        }
    }

    /** True when {@code token} is the admin token; compares hashes in constant time. */
    boolean matches(String token) {
        return MessageDigest.isEqual(credential.sha256(), sha256(token));
    }
}
