package dev.fulcrum.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's durable copy of the cluster's configuration, in its data directory, so that a node restarted while etcd
 * is down starts and serves the last configuration it saw (a node that could only start with etcd up would turn an
 * etcd outage into a data-plane outage at the next restart).
 *
 * <p>Format: a {@link FileConfigStore} (state file and journal, fsync'd, crash-safe) holding the objects, plus
 * {@value #META} naming the etcd prefix and the revision of the copy. The copy is written behind the live
 * configuration by one thread: changes that arrive while a write is under way are merged into the next one, so a
 * burst of changes costs a few writes, each in proportion to what changed. The revision in {@value #META} is written
 * after the objects, so it never claims more than they hold (resuming from an older revision only repeats changes).
 *
 * <p>Thread safety: {@link #record} from the publishing thread, the rest from the owner.
 */
final class LocalCopy implements AutoCloseable {

    static final String META = "etcd-copy.json";

    private static final Logger LOG = LoggerFactory.getLogger(LocalCopy.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path dir;
    private final String prefix;
    private final FileConfigStore files;
    private final Thread writer;
    private final Object lock = new Object();
    // Guarded by lock.
    private ConfigEdit pending;
    private long pendingRevision;
    private boolean writing;
    private boolean closed;

    private LocalCopy(Path dir, String prefix, FileConfigStore files) {
        this.dir = dir;
        this.prefix = prefix;
        this.files = files;
        this.writer = new Thread(this::run, "fulcrum-etcd-copy");
        writer.setDaemon(true);
    }

    /** Opens (creating) the copy in {@code dir}; see {@link FileConfigStore#open} for the failures. */
    static LocalCopy open(Path dir, String prefix) {
        final LocalCopy copy = new LocalCopy(dir, prefix, FileConfigStore.open(dir));
        copy.writer.start();
        return copy;
    }

    /**
     * The configuration last copied for this prefix, carrying the etcd revision it was copied at; null when the
     * copy has never been written for this prefix.
     */
    ConfigSnapshot load() {
        final Path meta = dir.resolve(META);
        if (!Files.exists(meta)) {
            return null;
        }
        final JsonNode node;
        try {
            node = MAPPER.readTree(meta.toFile());
        } catch (IOException e) {
            LOG.warn(meta + " cannot be read (" + e.getMessage() + "): the local copy "
                    + "is not used");
            return null;
        }
        if (node == null || !prefix.equals(node.path("prefix").asText(null))) {
            LOG.warn(meta + " holds a copy of another etcd prefix ("
                    + (node == null ? null : node.path("prefix").asText(null)) + ", not " + prefix + "): not used");
            return null;
        }
        final ConfigSnapshot s = files.current();
        return new ConfigSnapshot(node.path("revision").asLong(0), s.accounts(), s.zones(), s.monitors(), s.pools(),
                s.loadBalancers());
    }

    /** Queues {@code change} to be copied; returns at once. */
    void record(ConfigChange change) {
        if (change.isEmpty() && change.next().revision() == change.previous().revision()) {
            return;
        }
        final ConfigSnapshot next = change.next();
        synchronized (lock) {
            if (pending == null) {
                pending = new ConfigEdit();
            }
            for (ConfigKind kind : ConfigKind.values()) {
                final java.util.Map<String, ?> objects = next.objects(kind);
                for (String id : change.ids(kind)) {
                    final Object object = objects.get(id);
                    if (object == null) {
                        pending.delete(kind, id);
                    } else {
                        pending.put(object);
                    }
                }
            }
            pendingRevision = Math.max(pendingRevision, next.revision());
            lock.notifyAll();
        }
    }

    /** Waits until everything recorded so far is durable (or the copy failed, which is logged). */
    void flush() {
        synchronized (lock) {
            while ((pending != null || writing) && !closed) {
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        flush();
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        files.close();
    }

    private void run() {
        while (true) {
            final ConfigEdit edit;
            final long revision;
            synchronized (lock) {
                while (pending == null && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending == null) {
                    return;
                }
                edit = pending;
                revision = pendingRevision;
                pending = null;
                writing = true;
            }
            try {
                write(edit, revision);
            } catch (RuntimeException | IOException e) {
                LOG.warn("the local copy of the cluster configuration in " + dir
                        + " could not be written (" + e + "); it stays at its last revision and is retried", e);
                synchronized (lock) {
                    // Merge back under the newer changes: theirs win per id.
                    final ConfigEdit newer = pending;
                    pending = edit;
                    if (newer != null) {
                        merge(newer, pending);
                    }
                }
                sleep(1000);
            } finally {
                synchronized (lock) {
                    writing = false;
                    lock.notifyAll();
                }
            }
        }
    }

    private void write(ConfigEdit edit, long revision) throws IOException {
        files.commit(s -> edit);
        final ObjectNode meta = MAPPER.createObjectNode();
        meta.put("prefix", prefix);
        meta.put("revision", revision);
        final byte[] bytes = MAPPER.writeValueAsBytes(meta);
        DurableFiles.replace(dir.resolve(META), out -> out.write(bytes));
    }

    private static void merge(ConfigEdit from, ConfigEdit into) {
        for (ConfigKind kind : ConfigKind.values()) {
            from.forEach(kind, (id, object) -> {
                if (object == null) {
                    into.delete(kind, id);
                } else {
                    into.put(object);
                }
            });
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
