package dev.fulcrum.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.etcd.EtcdClient;
import dev.fulcrum.etcd.EtcdException;
import dev.fulcrum.etcd.KeyValue;
import dev.fulcrum.etcd.PrefixWatch;
import dev.fulcrum.etcd.Txn;
import dev.fulcrum.etcd.TxnResult;
import dev.fulcrum.etcd.WatchEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The secrets every node must share: the admin API token's hash (so every node accepts the same token) and the
 * session affinity key (so every node honours every other node's {@code __cflb} cookie), under
 * {@code secrets/api-token} and {@code secrets/affinity-key}.
 *
 * <p>Reconciliation (README, "Cluster"), for each secret: the cluster's value is created once, by the first node
 * that finds none, from that node's explicit setting, else its data directory's file (a single node that joins a
 * cluster keeps its token and key), else a fresh random one. A node started with an explicit value that differs
 * from the cluster's replaces it (this is how a token is rotated: restart one node with the new one); every node
 * follows every change at once, and keeps the cluster's value in its data directory for a start while etcd is down.
 * A node that starts while etcd is down uses its explicit or stored value and reconciles when etcd answers.
 *
 * <p>Concurrency: values are read through volatile fields; changes reach the listeners on the watch's thread.
 */
public final class SharedSecrets {

    /** The admin token as the cluster stores it: its id and its SHA-256 (hex), never the token. */
    public record Token(String id, String sha256) {

        public Token {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /** The keys, under the cluster's prefix. */
    static final String TOKEN = "secrets/api-token";
    static final String AFFINITY_KEY = "secrets/affinity-key";

    private static final Logger LOG = LoggerFactory.getLogger(SharedSecrets.class);

    private final EtcdClient client;
    private final ScheduledExecutorService scheduler;
    private final String tokenKey;
    private final String affinityKeyKey;

    private volatile Token explicitToken;
    private volatile String explicitAffinityKey;
    private volatile Token token;
    private volatile String affinityKey;
    private volatile boolean reconciled;
    private final java.util.concurrent.CountDownLatch firstReconcile = new java.util.concurrent.CountDownLatch(1);
    private volatile Consumer<Token> onToken = t -> { };
    private volatile Consumer<String> onAffinityKey = k -> { };

    SharedSecrets(EtcdClient client, ScheduledExecutorService scheduler, String prefix) {
        this.client = client;
        this.scheduler = scheduler;
        this.tokenKey = prefix + TOKEN;
        this.affinityKeyKey = prefix + AFFINITY_KEY;
    }

    /**
     * Sets what this node starts with, before the watch starts: its explicit settings (null when not given) and
     * the values it would use alone (its data directory's, or freshly generated).
     */
    void startWith(Token explicitTokenOrNull, Token fallbackToken, String explicitKeyOrNull, String fallbackKey) {
        explicitToken = explicitTokenOrNull;
        explicitAffinityKey = explicitKeyOrNull;
        token = explicitTokenOrNull != null ? explicitTokenOrNull : fallbackToken;
        affinityKey = explicitKeyOrNull != null ? explicitKeyOrNull : fallbackKey;
    }

    /** The token in force on this node. */
    public Token token() {
        return token;
    }

    /** The affinity key (base64) in force on this node. */
    public String affinityKey() {
        return affinityKey;
    }

    /** True once this node's values have been reconciled with etcd's. */
    public boolean reconciled() {
        return reconciled;
    }

    /** Told every later change of the token in force (rotation on another node). */
    public void onTokenChange(Consumer<Token> listener) {
        onToken = Objects.requireNonNull(listener, "listener");
    }

    /** Told every later change of the affinity key in force. */
    public void onAffinityKeyChange(Consumer<String> listener) {
        onAffinityKey = Objects.requireNonNull(listener, "listener");
    }

    PrefixWatch.Handler handler() {
        return new PrefixWatch.Handler() {
            @Override
            public void reset(long revision, List<KeyValue> kvs) {
                Token clusterToken = null;
                String clusterKey = null;
                for (KeyValue kv : kvs) {
                    if (kv.key().equals(tokenKey)) {
                        clusterToken = parseToken(kv);
                    } else if (kv.key().equals(affinityKeyKey)) {
                        clusterKey = parseKey(kv);
                    }
                }
                if (!reconciled) {
                    reconciled = true;
                    final Token t = clusterToken;
                    final String k = clusterKey;
                    // Writes go to the scheduler: the watch's thread only reads.
                    later(() -> reconcile(t, k));
                    return;
                }
                followToken(clusterToken);
                followKey(clusterKey);
            }

            @Override
            public void apply(List<WatchEvent> events) {
                for (WatchEvent event : events) {
                    if (event.type() == WatchEvent.Type.DELETE) {
                        // Deleted by hand: write ours back, so the cluster keeps one value.
                        later(() -> reconcile(null, null));
                    } else if (event.kv().key().equals(tokenKey)) {
                        followToken(parseToken(event.kv()));
                    } else if (event.kv().key().equals(affinityKeyKey)) {
                        followKey(parseKey(event.kv()));
                    }
                }
            }
        };
    }

    private void later(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the node is leaving the cluster
        }
    }

    /** At the first read of etcd: create what is missing, replace what an explicit setting overrides. */
    private void reconcile(Token clusterToken, String clusterKey) {
        try {
            final Token explicit = explicitToken;
            if (clusterToken == null || (explicit != null && !explicit.sha256().equals(clusterToken.sha256()))) {
                if (clusterToken != null) {
                    LOG.warn("this node's API token replaces the cluster's: every node "
                            + "accepts the new token from now on");
                }
                followToken(write(tokenKey, tokenJson(explicit != null ? explicit : token), clusterToken == null,
                        this::parseToken));
            } else {
                followToken(clusterToken);
            }
            final String explicitKey = explicitAffinityKey;
            if (clusterKey == null || (explicitKey != null && !explicitKey.equals(clusterKey))) {
                if (clusterKey != null) {
                    LOG.warn("this node's affinity key replaces the cluster's: cookies "
                            + "signed with the old key are re-issued");
                }
                followKey(write(affinityKeyKey, keyJson(explicitKey != null ? explicitKey : affinityKey),
                        clusterKey == null, this::parseKey));
            } else {
                followKey(clusterKey);
            }
            firstReconcile.countDown();
        } catch (EtcdException e) {
            LOG.warn("cannot store the shared secrets in etcd yet: " + e.getMessage());
            reconciled = false;
        }
    }

    /** Waits for the first reconciliation with etcd (started by the watch's first read). */
    boolean awaitReconciled(java.time.Duration timeout) {
        try {
            return firstReconcile.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Creates (when {@code create}, only if still absent) or replaces the value; returns what etcd holds. */
    private <T> T write(String key, byte[] value, boolean create, java.util.function.Function<KeyValue, T> parse) {
        final Txn txn = new Txn();
        if (create) {
            txn.ifAbsent(key);
        }
        final TxnResult result = client.txn(txn.put(key, value).elseGet(key));
        if (result.succeeded() || result.ranges().isEmpty() || result.ranges().get(0).isEmpty()) {
            return parse.apply(new KeyValue(key, value, 0, result.revision(), 1, 0));
        }
        // Another node created it first: its value is the cluster's.
        return parse.apply(result.ranges().get(0).get(0));
    }

    private void followToken(Token clusterToken) {
        if (clusterToken != null) {
            token = clusterToken;
            onToken.accept(clusterToken);
        }
    }

    private void followKey(String clusterKey) {
        if (clusterKey != null) {
            affinityKey = clusterKey;
            onAffinityKey.accept(clusterKey);
        }
    }

    private Token parseToken(KeyValue kv) {
        try {
            final JsonNode o = HealthJson.MAPPER.readTree(kv.value());
            final String id = o.path("id").asText("");
            final String sha = o.path("sha256").asText("");
            if (id.matches("[0-9a-f]{32}") && sha.matches("[0-9a-f]{64}")) {
                return new Token(id, sha);
            }
        } catch (IOException e) {
            // reported below
        }
        LOG.error("etcd key " + kv.key() + " is not an API token hash ({\"id\":<32 hex>, "
                + "\"sha256\":<64 hex>}): ignored");
        return null;
    }

    private String parseKey(KeyValue kv) {
        try {
            final String key = HealthJson.MAPPER.readTree(kv.value()).path("key").asText("");
            if (!key.isEmpty()) {
                return key;
            }
        } catch (IOException e) {
            // reported below
        }
        LOG.error("etcd key " + kv.key() + " is not an affinity key ({\"key\":<base64>}): "
                + "ignored");
        return null;
    }

    static byte[] tokenJson(Token token) {
        final ObjectNode o = HealthJson.MAPPER.createObjectNode().put("id", token.id()).put("sha256", token.sha256());
        return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] keyJson(String key) {
        return HealthJson.MAPPER.createObjectNode().put("key", key).toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
