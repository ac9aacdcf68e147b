package dev.fulcrum.affinity;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The secret that signs {@code __cflb} cookies (HMAC-SHA256). Nodes that share it honour each other's cookies
 * (ARCHITECTURE.md, "Cluster store"); a node with a different key ignores them and pins anew.
 *
 * <p>Where it comes from ({@link #resolve}): a key given in the settings (base64, e.g. {@code FULCRUM_AFFINITY_KEY})
 * wins; otherwise {@value #FILE_NAME} in the data directory, created on the first start with {@value #MIN_BYTES}
 * random bytes, base64 on one line, readable by the owner only. Copy that line into the other nodes' settings to
 * share the key.
 *
 * <p>Immutable; {@link #toString} shows only a fingerprint, never the key.
 */
public final class AffinityKey {

    /** The key file in the data directory. */
    public static final String FILE_NAME = "affinity.key";
    /** Shortest accepted key: HMAC-SHA256's output size, so the key is never the weak part. */
    public static final int MIN_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec spec;
    private final String fingerprint;

    private AffinityKey(byte[] secret) {
        this.spec = new SecretKeySpec(secret, ALGORITHM);
        this.fingerprint = fingerprintOf(secret);
        Arrays.fill(secret, (byte) 0);
    }

    /** A fresh random key: cookies signed with it are honoured by this process only. */
    public static AffinityKey random() {
        final byte[] secret = new byte[MIN_BYTES];
        RANDOM.nextBytes(secret);
        return new AffinityKey(secret);
    }

    /**
     * A key from raw bytes (copied).
     *
     * @throws IllegalArgumentException when shorter than {@value #MIN_BYTES} bytes
     */
    public static AffinityKey of(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException(secret.length + " bytes (expected: at least " + MIN_BYTES
                    + " bytes)");
        }
        return new AffinityKey(secret.clone());
    }

    /**
     * A key from base64 text (standard or URL-safe alphabet, padding optional, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming what is wrong, without echoing the text (it is a secret)
     */
    public static AffinityKey fromBase64(String text) {
        Objects.requireNonNull(text, "text");
        final String trimmed = text.strip();
        final byte[] secret;
        try {
            secret = (trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0 ? Base64.getUrlDecoder()
                    : Base64.getDecoder()).decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64 (expected: base64 of at least " + MIN_BYTES
                    + " random bytes, e.g. from `openssl rand -base64 32`)", e);
        }
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("base64 of " + secret.length + " bytes (expected: at least "
                    + MIN_BYTES + " bytes, e.g. from `openssl rand -base64 32`)");
        }
        return new AffinityKey(secret);
    }

    /**
     * The key a runtime uses: {@code configured} (base64) when not null or blank, else the data directory's key file,
     * created when missing.
     *
     * @throws IllegalArgumentException for a configured value that is not a usable key
     * @throws IllegalStateException    when the key file cannot be read, created or is corrupt (the message names it)
     */
    public static AffinityKey resolve(Path dataDir, String configured) {
        if (configured != null && !configured.isBlank()) {
            return fromBase64(configured);
        }
        return loadOrCreate(dataDir);
    }

    /**
     * Reads {@value #FILE_NAME} from {@code dataDir}, or creates it (owner-only, written to a temporary file, fsynced
     * and renamed into place, so a crash never leaves half a key).
     *
     * @throws IllegalStateException when the file cannot be read or written, or does not hold a usable key
     */
    public static AffinityKey loadOrCreate(Path dataDir) {
        final Path file = dataDir.resolve(FILE_NAME);
        try {
            return read(file);
        } catch (NoSuchFileException e) {
            return create(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read session affinity key " + file + ": " + e, e);
        }
    }

    private static AffinityKey read(Path file) throws IOException {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        try {
            return fromBase64(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("session affinity key " + file + " is corrupt: " + e.getMessage()
                    + "; delete it to generate a new one (cookies signed with the old key will be re-issued)", e);
        }
    }

    private static AffinityKey create(Path file) {
        final byte[] secret = new byte[MIN_BYTES];
        RANDOM.nextBytes(secret);
        final byte[] line = (Base64.getEncoder().encodeToString(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
        final Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rw-------")));
            } else {
                Files.createFile(tmp);
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(line));
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } catch (FileAlreadyExistsException e) {
            // Created meanwhile by someone else: theirs wins, so every reader agrees on one key.
            try {
                Files.deleteIfExists(tmp);
                return read(file);
            } catch (IOException again) {
                throw new IllegalStateException("cannot read session affinity key " + file + ": " + again, again);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create session affinity key " + file + ": " + e, e);
        }
        return new AffinityKey(secret);
    }

    /** The key for {@link javax.crypto.Mac#init}. */
    SecretKeySpec spec() {
        return spec;
    }

    /**
     * The first 8 bytes of the key's SHA-256 in hex: lets operators check that nodes share a key without showing
     * it.
     */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "AffinityKey[sha256:" + fingerprint + "…]";
    }

    private static String fingerprintOf(byte[] secret) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
