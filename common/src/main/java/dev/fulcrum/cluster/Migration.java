package dev.fulcrum.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdException;
import dev.fulcrum.etcd.PrefixWatch;
import dev.fulcrum.etcd.Txn;
import dev.fulcrum.store.EtcdConfigStore;
import dev.fulcrum.store.FileConfigStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Moves a single node into a cluster: copies the configuration of its data directory's file store, its API token's
 * hash and its affinity key into an etcd prefix that holds nothing yet, so the node (and every node that joins)
 * serves the same load balancers, accepts the same token and honours the same cookies.
 *
 * <p>Refusals, before anything is written: a data directory whose store is open (stop the node first) or cannot be
 * read, and a prefix that holds any key (nothing is merged or overwritten). The configuration is written through
 * {@link EtcdConfigStore}, so a large one goes in as a chain of transactions; should the copy stop half-way, the
 * prefix is left non-empty: delete it ({@code etcdctl del --prefix <prefix>}) and run the migration again.
 */
public final class Migration {

    private Migration() {
    }

    /** What was copied. */
    public record Result(int accounts, int zones, int monitors, int pools, int loadBalancers, boolean token,
                         boolean affinityKey, long revision) {

        @Override
        public String toString() {
            return accounts + " accounts, " + zones + " zones, " + monitors + " monitors, " + pools + " pools, "
                    + loadBalancers + " load balancers" + (token ? ", the API token's hash" : "")
                    + (affinityKey ? ", the affinity key" : "") + " (etcd revision " + revision + ")";
        }
    }

    /**
     * Copies {@code dataDir}'s configuration and secrets under {@code settings.prefix()}.
     *
     * @throws IllegalStateException naming what stands in the way (a running node, a non-empty prefix, etcd
     *                               unreachable); nothing was written then
     */
    public static Result copy(Path dataDir, ClusterSettings settings, Clock clock) throws IOException {
        final ConfigSnapshot source;
        try (FileConfigStore files = FileConfigStore.open(dataDir)) {
            source = files.current();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the file store in " + dataDir + " (stop the node that uses "
                    + "it first): " + e.getMessage(), e);
        }
        final String prefix = settings.prefix();
        final Path scratch = Files.createTempDirectory("fulcrum-migration");
        try (EtcdClient client = EtcdClient.connect(settings.etcd())) {
            final long keys;
            try {
                keys = client.range(prefix, EtcdClient.prefixEnd(prefix), 0, 1).count();
            } catch (EtcdException e) {
                throw new IllegalStateException("etcd cannot be read: " + e.getMessage(), e);
            }
            if (keys > 0) {
                throw new IllegalStateException("etcd prefix " + prefix + " is not empty (" + keys + " keys): the "
                        + "migration only fills an empty prefix; choose another --etcd-prefix, or delete this one "
                        + "first (etcdctl del --prefix " + prefix + ")");
            }
            final long revision;
            try (PrefixWatch watch = new PrefixWatch(client, prefix, ClusterNode.WATCH_IDLE);
                 EtcdConfigStore store = EtcdConfigStore.open(client, watch, prefix, "migration",
                         scratch.resolve("copy"), settings.writeTimeout(), clock)) {
                if (!watch.start(settings.firstRead())) {
                    throw new IllegalStateException("etcd cannot be read at " + settings.etcd().endpoints());
                }
                revision = store.commit(s -> {
                    if (!s.accounts().isEmpty() || !s.pools().isEmpty() || !s.loadBalancers().isEmpty()
                            || !s.zones().isEmpty() || !s.monitors().isEmpty()) {
                        throw new IllegalStateException("etcd prefix " + prefix + " filled up while the migration "
                                + "ran: another node writes there");
                    }
                    final ConfigEdit edit = new ConfigEdit();
                    for (ConfigKind kind : ConfigKind.values()) {
                        edit.putAll(source.objects(kind).values());
                    }
                    return edit;
                }).next().revision();
            }
            final boolean token = copySecret(client, dataDir.resolve("api-token.json"), prefix + SharedSecrets.TOKEN,
                    true);
            final boolean key = copySecret(client, dataDir.resolve("affinity.key"), prefix + SharedSecrets.AFFINITY_KEY,
                    false);
            return new Result(source.accounts().size(), source.zones().size(), source.monitors().size(),
                    source.pools().size(), source.loadBalancers().size(), token, key, revision);
        } finally {
            deleteTree(scratch);
        }
    }

    /** Stores a data directory's secret under {@code key} unless the cluster has one already. */
    private static boolean copySecret(EtcdClient client, Path file, String key, boolean token) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        final byte[] value;
        if (token) {
            final JsonNode stored = HealthJson.MAPPER.readTree(file.toFile());
            value = SharedSecrets.tokenJson(new SharedSecrets.Token(stored.path("id").asText(),
                    stored.path("sha256").asText()));
        } else {
            value = SharedSecrets.keyJson(Files.readString(file, StandardCharsets.US_ASCII).strip());
        }
        return client.txn(new Txn().ifAbsent(key).put(key, value)).succeeded();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
