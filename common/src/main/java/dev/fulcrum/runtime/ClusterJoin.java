package dev.fulcrum.runtime;

import dev.fulcrum.affinity.AffinityKey;
import dev.fulcrum.api.BearerAuth;
import dev.fulcrum.cluster.ClusterNode;
import dev.fulcrum.cluster.SharedSecrets;
import dev.fulcrum.config.Ids;
import dev.fulcrum.routing.SnapshotRouter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A runtime's side of joining a cluster: it brings this node's secrets (explicit settings, the data directory's
 * files, or fresh ones) to {@link ClusterNode#start}, which reconciles them with the cluster's
 * ({@link SharedSecrets}), keeps the cluster's values in the data directory (so a start while etcd is down uses
 * them), and makes the API's token and the router's cookie key follow every later change.
 */
final class ClusterJoin {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterJoin.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The node and what it starts with.
     *
     * @param generatedToken the plain token this node generated and made the cluster's, to show once; else null
     */
    record Joined(ClusterNode node, BearerAuth auth, AffinityKey affinityKey, String generatedToken) {
    }

    private ClusterJoin() {
    }

    static Joined join(FulcrumSettings settings, Path dataDir, Clock clock) {
        final ApiTokenFile.Stored stored = ApiTokenFile.stored(dataDir);
        SharedSecrets.Token explicitToken = null;
        if (settings.apiToken() != null) {
            final String sha = BearerAuth.sha256Hex(settings.apiToken());
            explicitToken = new SharedSecrets.Token(stored != null && stored.sha256().equals(sha) ? stored.id()
                    : Ids.newId(), sha);
        }
        final String generated = explicitToken == null && stored == null ? ApiTokenFile.generate() : null;
        final SharedSecrets.Token fallbackToken = stored != null ? new SharedSecrets.Token(stored.id(),
                stored.sha256()) : new SharedSecrets.Token(Ids.newId(), BearerAuth.sha256Hex(
                generated == null ? ApiTokenFile.generate() : generated));
        final String explicitKey = settings.affinityKey() == null || settings.affinityKey().isBlank() ? null
                : canonical(settings.affinityKey(), "--affinity-key");
        final String storedKey = storedAffinityKey(dataDir);
        final String fallbackKey = storedKey != null ? storedKey : randomKey();

        final ClusterNode node;
        try {
            node = ClusterNode.start(settings.cluster(), new ClusterNode.Local(dataDir,
                    settings.routing().region(), settings.routing().pop(), explicitToken, fallbackToken, explicitKey,
                    fallbackKey), clock);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new FulcrumStartException("cannot join the cluster: " + e.getMessage(), e);
        }
        final SharedSecrets.Token token = node.secrets().token();
        final String key = node.secrets().affinityKey();
        saveToken(dataDir, token);
        saveKey(dataDir, key);
        final boolean ours = generated != null && token.sha256().equals(BearerAuth.sha256Hex(generated));
        return new Joined(node, new BearerAuth(token.id(), HexFormat.of().parseHex(token.sha256())),
                AffinityKey.fromBase64(key), ours ? generated : null);
    }

    /** From now on the API's token and the router's key follow the cluster's. */
    static void follow(Joined joined, SnapshotRouter router, Path dataDir) {
        final SharedSecrets secrets = joined.node().secrets();
        final AtomicReference<String> tokenHash = new AtomicReference<>(secrets.token().sha256());
        secrets.onTokenChange(token -> {
            if (!token.sha256().equals(tokenHash.getAndSet(token.sha256()))) {
                LOG.info("the cluster's API token changed: this node accepts the new one");
            }
            joined.auth().replace(token.id(), HexFormat.of().parseHex(token.sha256()));
            saveToken(dataDir, token);
        });
        secrets.onAffinityKeyChange(key -> {
            final AffinityKey affinityKey = AffinityKey.fromBase64(key);
            if (!affinityKey.fingerprint().equals(router.affinityKeyFingerprint())) {
                LOG.info("the cluster's affinity key changed (now " + affinityKey + ")");
            }
            router.affinityKey(affinityKey);
            saveKey(dataDir, key);
        });
        // A change between the join and the listeners above is applied now.
        final SharedSecrets.Token token = secrets.token();
        joined.auth().replace(token.id(), HexFormat.of().parseHex(token.sha256()));
        router.affinityKey(AffinityKey.fromBase64(secrets.affinityKey()));
    }

    /** The key as standard base64 of its bytes, so that two spellings of one key compare equal. */
    private static String canonical(String base64, String setting) {
        try {
            AffinityKey.fromBase64(base64);
        } catch (IllegalArgumentException e) {
            throw new FulcrumStartException(setting + ": " + e.getMessage(), e);
        }
        final String trimmed = base64.strip();
        final byte[] bytes = (trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0 ? Base64.getUrlDecoder()
                : Base64.getDecoder()).decode(trimmed);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String storedAffinityKey(Path dataDir) {
        final Path file = dataDir.resolve(AffinityKey.FILE_NAME);
        try {
            final String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return canonical(text, file.toString());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | FulcrumStartException e) {
            LOG.warn(file + " cannot be used (" + e.getMessage() + "); the cluster's key "
                    + "replaces it");
            return null;
        }
    }

    private static String randomKey() {
        final byte[] bytes = new byte[AffinityKey.MIN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static void saveToken(Path dataDir, SharedSecrets.Token token) {
        try {
            ApiTokenFile.save(dataDir, new ApiTokenFile.Stored(token.id(), token.sha256()));
        } catch (FulcrumStartException e) {
            LOG.warn(e.getMessage());
        }
    }

    private static void saveKey(Path dataDir, String key) {
        try {
            ApiTokenFile.writeOwnerOnly(dataDir.resolve(AffinityKey.FILE_NAME), key + "\n");
        } catch (IOException e) {
            LOG.warn("cannot keep the cluster's affinity key in " + dataDir + ": " + e);
        }
    }
}
