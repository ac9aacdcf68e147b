package dev.fulcrum.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.api.BearerAuth;
import dev.fulcrum.config.Ids;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * The admin token's home in the data directory: {@value #FILE_NAME} holds the token id and the SHA-256 of the token,
 * never the token itself, readable by the owner only.
 *
 * <p>Start-up rules: a token given in the settings replaces the stored one; without one, the stored hash is used; on
 * the very first start a 40-character URL-safe token is generated, stored hashed and handed back once so the launcher
 * can print it. A lost token is replaced by starting once with {@code --api-token}.
 */
final class ApiTokenFile {

    static final String FILE_NAME = "api-token.json";

    /** The verifier to use, and the generated plain token when one was just created (else null). */
    record Loaded(BearerAuth auth, String generatedToken) {
    }

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiTokenFile() {
    }

    static Loaded load(Path dataDir, String explicitToken) {
        final Path file = dataDir.resolve(FILE_NAME);
        if (explicitToken != null) {
            final String hash = BearerAuth.sha256Hex(explicitToken);
            final Stored stored = Files.exists(file) ? readQuietly(file) : null;
            if (stored != null && stored.sha256().equals(hash)) {
                return new Loaded(stored.auth(), null);
            }
            return new Loaded(write(file, new Stored(Ids.newId(), hash)).auth(), null);
        }
        if (Files.exists(file)) {
            return new Loaded(read(file).auth(), null);
        }
        final String token = generate();
        return new Loaded(write(file, new Stored(Ids.newId(), BearerAuth.sha256Hex(token))).auth(), token);
    }

    /** 30 random bytes in URL-safe base64: 40 characters, like Cloudflare's own tokens. */
    static String generate() {
        final byte[] bytes = new byte[30];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What the file holds: the token's id and the hex SHA-256 of the token. */
    record Stored(String id, String sha256) {

        BearerAuth auth() {
            return new BearerAuth(id, HexFormat.of().parseHex(sha256));
        }
    }

    private static Stored read(Path file) {
        JsonNode node;
        try {
            node = MAPPER.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            node = null;
        } catch (IOException e) {
            throw new FulcrumStartException("cannot read API token file " + file + ": " + e.getMessage()
                    + " (start with --api-token to replace it)", e);
        }
        final String id = node == null ? null : node.path("id").asText(null);
        final String sha256 = node == null ? null : node.path("sha256").asText(null);
        if (!Ids.isValid(id) || sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new FulcrumStartException("API token file " + file + " is corrupt (expected {\"id\": <32 hex>, "
                    + "\"sha256\": <64 hex>}); start with --api-token to replace it");
        }
        return new Stored(id, sha256);
    }

    private static Stored readQuietly(Path file) {
        try {
            return read(file);
        } catch (FulcrumStartException e) {
            return null;
        }
    }

    /** Writes through a temporary file created owner-only, then renames it over the old one. */
    private static Stored write(Path file, Stored stored) {
        final ObjectNode node = MAPPER.createObjectNode();
        node.put("id", stored.id());
        node.put("sha256", stored.sha256());
        try {
            writeOwnerOnly(file, node.toString() + "\n");
        } catch (IOException e) {
            throw new FulcrumStartException("cannot write API token file " + file + ": " + e, e);
        }
        return stored;
    }

    /** The stored token of {@code dataDir}, or null when there is none or it cannot be read. */
    static Stored stored(Path dataDir) {
        final Path file = dataDir.resolve(FILE_NAME);
        return Files.exists(file) ? readQuietly(file) : null;
    }

    /** Stores {@code stored} as the data directory's token (a cluster's token, kept for a start without etcd). */
    static void save(Path dataDir, Stored stored) {
        write(dataDir.resolve(FILE_NAME), stored);
    }

    /** Replaces {@code file} with {@code text}, readable by the owner only, through a temporary file and a rename. */
    static void writeOwnerOnly(Path file, String text) throws IOException {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(tmp);
        }
        Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
