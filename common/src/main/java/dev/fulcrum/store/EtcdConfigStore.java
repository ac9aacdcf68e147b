package dev.fulcrum.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.json.ConfigJson;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A {@link ConfigStore} shared by every node of a cluster through etcd v3 (ARCHITECTURE.md, "Cluster store").
 *
 * <p>Keys, under the cluster's prefix: {@code config/<kind>/<id>} holds one object as JSON (the file store's form of
 * it), and {@code config/revision} is bumped by every write, so its mod revision is the revision of the last
 * configuration change; the snapshot a node serves carries that revision, the same on every node that has caught
 * up. One key per object keeps each request far below etcd's 1.5 MiB limit whatever the size of the configuration.
 *
 * <p>Writes: the mutation reads a whole snapshot (uniqueness, references), so the transaction that commits its
 * edit holds only while {@code config/revision} was last changed at or before the snapshot's revision: if any node
 * committed anything since, the
 * transaction fails, this node waits for its watch to bring that change, and runs the mutation again on the newer
 * snapshot. So concurrent writers on different nodes lose nothing, and names stay unique (1003) and references
 * hold (1005) across nodes exactly as on one node. A write returns only after etcd committed it, and the node
 * applies its own edit at once (read-your-writes); the watch skips the echo. An edit larger than one transaction may
 * hold ({@value #MAX_OPS} keys, or about 1 MiB of values) is committed as a chain of transactions, each comparing the
 * previous one's revision; other nodes may then see it in parts.
 *
 * <p>Reads and the watch: {@link #current()} is a volatile read. Changes from other nodes arrive through the node's
 * one {@link PrefixWatch}; each watch message becomes one {@link ConfigEdit} applied to the current snapshot (cost in
 * proportion to the change) and published as a {@link ConfigChange}; a full read (start, compaction, etcd restored)
 * is published as the difference from the current snapshot.
 *
 * <p>Failure: when etcd cannot be reached, {@link #current()} keeps the last configuration, and writes throw
 * {@link StoreUnavailableException} without changing anything; a write whose answer was lost is checked against
 * etcd once it answers again, and reported as "may have been applied" only when it cannot be. A durable copy in the
 * data directory ({@link LocalCopy}) lets the node start while etcd is down.
 *
 * <p>Concurrency: this node's writes are serialized; publishing (own writes and watch messages) is serialized on one
 * lock, and listeners run under it (they must be quick and must not write).
 */
public final class EtcdConfigStore implements ConfigStore {

    /** Keys a transaction may write: etcd's {@code --max-txn-ops} default is 128. */
    static final int MAX_OPS = 100;
    /** Value bytes per transaction: base64 makes them 4/3 larger, below etcd's 1.5 MiB request limit. */
    static final int MAX_VALUE_BYTES = 768 * 1024;
    static final String CONFIG = "config/";
    static final String REVISION_KEY = "revision";

    private static final Logger LOG = LoggerFactory.getLogger(EtcdConfigStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EtcdClient client;
    private final PrefixWatch watch;
    private final String configPrefix;
    private final String revisionKey;
    private final String nodeName;
    private final Duration writeTimeout;
    private final Clock clock;
    private final SnapshotCodec codec = new SnapshotCodec();
    private final ChangePublisher publisher;
    private final LocalCopy copy;
    private final boolean fromCopy;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object applyLock = new Object();

    /** Guarded by applyLock: the last change published, so a writer whose echo arrived first can return it. */
    private ConfigChange lastChange;
    private volatile boolean loaded;
    private volatile boolean closed;

    private EtcdConfigStore(EtcdClient client, PrefixWatch watch, String prefix, String nodeName, LocalCopy copy,
                            ConfigSnapshot initial, Duration writeTimeout, Clock clock) {
        this.client = client;
        this.watch = watch;
        this.configPrefix = prefix + CONFIG;
        this.revisionKey = configPrefix + REVISION_KEY;
        this.nodeName = nodeName;
        this.writeTimeout = writeTimeout;
        this.clock = clock;
        this.copy = copy;
        this.fromCopy = initial != null;
        this.publisher = new ChangePublisher(initial == null ? ConfigSnapshot.EMPTY : initial);
        publisher.addListener(copy::record);
    }

    /**
     * A store of the configuration under {@code prefix + "config/"}, fed by {@code watch} (which the caller starts
     * after this, and closes). Until the watch's first read it serves the local copy in {@code copyDir}, if any.
     *
     * @param prefix       the cluster's key prefix, ending in {@code /}
     * @param nodeName     this node's name, written beside each commit (for operators reading etcd)
     * @param copyDir      the directory of this node's durable copy (created if needed)
     * @param writeTimeout how long a write may wait for etcd, retries included, before it is refused
     * @throws CorruptStoreException when the local copy exists and cannot be read
     */
    public static EtcdConfigStore open(EtcdClient client, PrefixWatch watch, String prefix, String nodeName,
                                       Path copyDir, Duration writeTimeout, Clock clock) {
        final LocalCopy copy = LocalCopy.open(copyDir, prefix);
        try {
            final EtcdConfigStore store = new EtcdConfigStore(client, watch, prefix, nodeName, copy, copy.load(),
                    writeTimeout, clock);
            watch.register(CONFIG, store.new Keys());
            return store;
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    /** True once etcd has been read; false while the node serves its local copy only. */
    public boolean loadedFromEtcd() {
        return loaded;
    }

    /** True when the node started from its local copy (etcd could not be read at start). */
    public boolean hasLocalCopy() {
        return fromCopy;
    }

    /** True while the watch is live: writes can be committed and changes arrive. */
    public boolean isConnected() {
        return watch.isLive();
    }

    @Override
    public ConfigSnapshot current() {
        return publisher.current();
    }

    @Override
    public void addChangeListener(Consumer<ConfigChange> listener) {
        publisher.addListener(listener);
    }

    @Override
    public ConfigSnapshot update(UnaryOperator<ConfigSnapshot> mutation) {
        Objects.requireNonNull(mutation, "mutation");
        return commit(s -> {
            final ConfigSnapshot proposed = mutation.apply(s);
            return proposed == s ? new ConfigEdit() : ConfigEdit.between(s, proposed);
        }).next();
    }

    @Override
    public ConfigChange commit(Function<ConfigSnapshot, ConfigEdit> mutation) {
        Objects.requireNonNull(mutation, "mutation");
        final long deadline = System.nanoTime() + writeTimeout.toNanos();
        writeLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the etcd store is closed");
            }
            if (!loaded) {
                throw new StoreUnavailableException("the cluster store (etcd) is unreachable: this node serves its "
                        + "local copy and has not read etcd since it started; nothing was changed", false, null);
            }
            while (true) {
                final ConfigSnapshot before = publisher.current();
                final ConfigEdit edit = Objects.requireNonNull(mutation.apply(before), "the mutation returned null");
                final ConfigChange preview = before.apply(edit, before.revision() + 1);
                if (preview.isEmpty()) {
                    return ConfigChange.none(before);
                }
                final ConfigChange committed = tryCommit(before, preview, deadline);
                if (committed != null) {
                    return committed;
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Commits {@code preview}'s edit in one or more transactions; null when another writer came first. */
    private ConfigChange tryCommit(ConfigSnapshot before, ConfigChange preview, long deadline) {
        final List<ConfigEdit> chunks = new ArrayList<>();
        final List<Txn> txns = transactions(preview, chunks);
        long expected = before.revision();
        ConfigChange result = null;
        for (int i = 0; i < txns.size(); i++) {
            final TxnResult answer;
            try {
                // At most, not equal: a key written by hand (no revision bump) moves the snapshot's revision past the
                // revision key's, and must not block every later write.
                answer = client.txn(txns.get(i).ifModRevisionAtMost(revisionKey, expected));
            } catch (EtcdException e) {
                if (e.outcome() == EtcdException.Outcome.MAYBE_APPLIED) {
                    return settleLostAnswer(preview, deadline, e);
                }
                throw refusal(e);
            }
            if (!answer.succeeded()) {
                final List<KeyValue> seen = answer.ranges().isEmpty() ? List.of() : answer.ranges().get(0);
                final long theirs = seen.isEmpty() ? answer.revision() : seen.get(0).modRevision();
                catchUp(theirs, deadline);
                return null;
            }
            result = publishOwn(chunks.get(i), answer.revision());
            expected = answer.revision();
        }
        return result;
    }

    /** The edit as transactions (without their comparison), and the part of the edit each one carries. */
    private List<Txn> transactions(ConfigChange preview, List<ConfigEdit> chunks) {
        final ConfigSnapshot next = preview.next();
        final List<Txn> txns = new ArrayList<>();
        Txn txn = null;
        ConfigEdit chunk = null;
        int bytes = 0;
        for (ConfigKind kind : ConfigKind.values()) {
            final Map<String, ?> objects = next.objects(kind);
            for (String id : preview.ids(kind)) {
                final Object object = objects.get(id);
                final byte[] value = object == null ? null : encode(kind, object, next);
                final int size = value == null ? 0 : value.length;
                if (txn == null || txn.operations() >= MAX_OPS - 1 || (bytes + size > MAX_VALUE_BYTES && bytes > 0)) {
                    txn = new Txn();
                    chunk = new ConfigEdit();
                    txns.add(txn);
                    chunks.add(chunk);
                    bytes = 0;
                }
                if (object == null) {
                    txn.delete(key(kind, id));
                    chunk.delete(kind, id);
                } else {
                    txn.put(key(kind, id), value);
                    chunk.put(object);
                }
                bytes += size;
            }
        }
        final byte[] stamp = stamp();
        for (Txn t : txns) {
            t.put(revisionKey, stamp).elseGet(revisionKey);
        }
        return txns;
    }

    /**
     * A write reached etcd and its answer was lost: wait until this node sees etcd's latest configuration, then the
     * write either is in it (done) or is not (null: run it again).
     */
    private ConfigChange settleLostAnswer(ConfigChange preview, long deadline, EtcdException cause) {
        while (System.nanoTime() < deadline) {
            final long latest;
            try {
                final List<KeyValue> kvs = client.get(revisionKey).kvs();
                latest = kvs.isEmpty() ? 0 : kvs.get(0).modRevision();
            } catch (EtcdException e) {
                pause(200);
                continue;
            }
            catchUp(latest, deadline);
            final ConfigSnapshot now = publisher.current();
            for (ConfigKind kind : ConfigKind.values()) {
                for (String id : preview.ids(kind)) {
                    if (!Objects.equals(now.objects(kind).get(id), preview.next().objects(kind).get(id))) {
                        return null;
                    }
                }
            }
            synchronized (applyLock) {
                return lastChange != null && lastChange.next() == now ? lastChange
                        : ConfigChange.between(preview.previous(), now);
            }
        }
        throw new StoreUnavailableException("the cluster store (etcd) stopped answering while this write was sent: "
                + "it may have been applied; read the object again once etcd is back (" + cause.getMessage() + ")",
                true, cause);
    }

    /** Waits until the watch has brought every change up to {@code revision}. */
    private void catchUp(long revision, long deadline) {
        final long left = deadline - System.nanoTime();
        if (left <= 0 || !watch.awaitRevision(revision, Duration.ofNanos(left))) {
            throw new StoreUnavailableException("the cluster store (etcd) is unreachable: this node cannot follow "
                    + "its changes (revision " + revision + " not reached); nothing was changed", false, null);
        }
    }

    private ConfigChange publishOwn(ConfigEdit edit, long revision) {
        synchronized (applyLock) {
            final ConfigSnapshot current = publisher.current();
            if (current.revision() >= revision) {
                // The watch delivered this very commit first.
                return lastChange != null && lastChange.next() == current ? lastChange : ConfigChange.none(current);
            }
            final ConfigChange change = current.apply(edit, revision);
            publish(change);
            return change;
        }
    }

    private void publish(ConfigChange change) {
        lastChange = change;
        publisher.publish(change);
    }

    private StoreUnavailableException refusal(EtcdException e) {
        if (e.isUnavailable()) {
            return new StoreUnavailableException("the cluster store (etcd) is unreachable: " + e.getMessage()
                    + "; nothing was changed", false, e);
        }
        // etcd refused the request (permissions, a limit): a fault of the deployment, not of the client's input.
        throw new IllegalStateException("etcd refused the configuration write: " + e.getMessage(), e);
    }

    private byte[] stamp() {
        final ObjectNode stamp = MAPPER.createObjectNode();
        stamp.put("node", nodeName);
        stamp.put("time", ConfigJson.timestamp(clock.instant()));
        return bytes(stamp);
    }

    /**
     * The object's value, read back first as every other node will read it: an object no node could load is
     * refused here rather than ignored everywhere else (as the file store refuses what its next start could not
     * load).
     */
    private byte[] encode(ConfigKind kind, Object object, ConfigSnapshot s) {
        final JsonNode json = codec.encode(kind, object, s);
        try {
            codec.decode(kind, json, kind.storeName());
        } catch (SnapshotCodec.StoreFormatError e) {
            throw new IllegalArgumentException("refusing to commit an object the store could not load again: "
                    + e.getMessage(), e);
        }
        return bytes(json);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    String key(ConfigKind kind, String id) {
        return configPrefix + kind.storeName() + '/' + id;
    }

    /** Flushes the local copy and stops applying changes; the watch and client belong to the caller. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            closed = true;
        } finally {
            writeLock.unlock();
        }
        copy.close();
    }

    /** Waits until the local copy holds everything published so far (tests, orderly stops). */
    public void flushLocalCopy() {
        copy.flush();
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the watch's side --------------------------------------------------------------------------------------

    /** A key under {@code config/}: the revision key, an object's key, or something this version does not know. */
    private record Parsed(ConfigKind kind, String id) {
    }

    private Parsed parse(String key) {
        final String rest = key.substring(configPrefix.length());
        final int slash = rest.indexOf('/');
        if (slash > 0) {
            final String kindName = rest.substring(0, slash);
            final String id = rest.substring(slash + 1);
            for (ConfigKind kind : ConfigKind.values()) {
                if (kind.storeName().equals(kindName) && Ids.isValid(id)) {
                    return new Parsed(kind, id);
                }
            }
        }
        return null;
    }

    private Object decode(Parsed parsed, KeyValue kv) {
        try {
            final Object object = codec.decode(parsed.kind(), MAPPER.readTree(kv.value()), kv.key());
            final String id = parsed.kind().idOf(object);
            if (!parsed.id().equals(id)) {
                throw new SnapshotCodec.StoreFormatError(kv.key() + ": holds the object with id " + id);
            }
            return object;
        } catch (IOException | SnapshotCodec.StoreFormatError e) {
            // One bad key (written by hand, or by a newer version) must not stop the node: keep the rest.
            LOG.error("etcd key " + kv.key() + " at revision " + kv.modRevision()
                    + " is not a valid " + parsed.kind().storeName() + " object and is ignored: " + e.getMessage());
            return null;
        }
    }

    private final class Keys implements PrefixWatch.Handler {

        @Override
        public void reset(long revision, List<KeyValue> kvs) {
            final Map<ConfigKind, Map<String, Object>> objects = new EnumMap<>(ConfigKind.class);
            long configRevision = 0;
            long newest = 0;
            for (KeyValue kv : kvs) {
                if (kv.key().equals(revisionKey)) {
                    configRevision = kv.modRevision();
                    continue;
                }
                final Parsed parsed = parse(kv.key());
                if (parsed == null) {
                    continue;
                }
                final Object object = decode(parsed, kv);
                if (object != null) {
                    objects.computeIfAbsent(parsed.kind(), k -> new HashMap<>()).put(parsed.id(), object);
                    newest = Math.max(newest, kv.modRevision());
                }
            }
            // Objects written without the revision key (by hand) still give the snapshot a revision.
            final long snapshotRevision = Math.max(configRevision, newest);
            synchronized (applyLock) {
                final ConfigSnapshot current = publisher.current();
                final ConfigEdit edit = new ConfigEdit();
                for (ConfigKind kind : ConfigKind.values()) {
                    final Map<String, Object> loadedKind = objects.getOrDefault(kind, Map.of());
                    for (String id : current.objects(kind).keySet()) {
                        if (!loadedKind.containsKey(id)) {
                            edit.delete(kind, id);
                        }
                    }
                    loadedKind.values().forEach(edit::put);
                }
                if (snapshotRevision < current.revision()) {
                    LOG.warn("etcd's configuration is at revision " + snapshotRevision
                            + ", older than the " + current.revision() + " this node served: etcd's state wins");
                }
                final ConfigChange change = current.apply(edit, snapshotRevision);
                if (!change.isEmpty() || snapshotRevision != current.revision()) {
                    publish(change);
                }
                loaded = true;
            }
        }

        @Override
        public void apply(List<WatchEvent> events) {
            synchronized (applyLock) {
                final ConfigSnapshot current = publisher.current();
                final ConfigEdit edit = new ConfigEdit();
                long newest = current.revision();
                for (WatchEvent event : events) {
                    final KeyValue kv = event.kv();
                    if (kv.modRevision() <= current.revision()) {
                        continue; // this node's own write, applied when it was committed
                    }
                    newest = Math.max(newest, kv.modRevision());
                    if (kv.key().equals(revisionKey)) {
                        continue;
                    }
                    final Parsed parsed = parse(kv.key());
                    if (parsed == null) {
                        continue;
                    }
                    if (event.type() == WatchEvent.Type.DELETE) {
                        edit.delete(parsed.kind(), parsed.id());
                    } else {
                        final Object object = decode(parsed, kv);
                        if (object != null) {
                            edit.put(object);
                        }
                    }
                }
                if (newest > current.revision()) {
                    publish(current.apply(edit, newest));
                }
            }
        }
    }
}
