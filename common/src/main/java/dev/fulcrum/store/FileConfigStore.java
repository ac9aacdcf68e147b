package dev.fulcrum.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.json.ConfigJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link ConfigStore}: the configuration lives in one data directory as a full state file plus
 * a journal of the commits made since.
 *
 * <p>Files: {@code state.json} (format version, revision and every object, written by temp file + fsync + atomic
 * rename + directory fsync), {@code journal.log} (one checksummed JSON line per commit after the state's revision,
 * fsync'd before {@link #update} returns) and {@code store.lock} (held while open, so two processes cannot share
 * the directory).
 *
 * <p>Why a journal: a commit writes only the objects it changed, so a write costs one small append and one fsync
 * whatever the number of stored objects. The record is encoded from the commit's {@link ConfigChange}, and the next
 * snapshot shares every unchanged object with the last one, so no step of a commit visits the whole configuration. When the journal grows past the size of the state file (and at least
 * {@value #DEFAULT_COMPACT_AFTER_BYTES} bytes) the writer folds it into a new state file and starts an empty
 * journal, so the rewrite cost is amortised over many writes. Replay skips journal records already in the state
 * file, so a crash between the two renames of a compaction is harmless.
 *
 * <p>Concurrency: writers are serialized by one lock; readers call {@link #current()}, a volatile read. Listeners
 * run on the writing thread, in commit order, after the commit is durable and while the write lock is held, so they
 * must be quick and must not write ({@link ChangePublisher}).
 *
 * <p>Failure: a crash leaves the last acknowledged state, or the one being written if its append completed. An
 * unfinished last journal line is dropped at start and the journal is kept beside the store as
 * {@code journal.log.torn-<revision>} for inspection; a damaged state file, a damaged line followed by further
 * lines, an unknown format version or an object that fails validation stop the start with a
 * {@link CorruptStoreException} naming the file, and nothing is rewritten or deleted. Leftover {@code *.tmp} files
 * (writes that never reached their rename) are deleted at start. If the disk fails during a commit the commit is
 * refused and the state is unchanged; if the journal then cannot be restored, further writes are refused until the
 * store is reopened.
 */
public final class FileConfigStore implements ConfigStore {

    /** Version of the persisted format; a store written with another version is refused, not guessed at. */
    public static final int FORMAT_VERSION = 1;
    static final String FORMAT = "fulcrum-store";
    static final String STATE_FILE = "state.json";
    static final String JOURNAL_FILE = "journal.log";
    static final String LOCK_FILE = "store.lock";
    static final long DEFAULT_COMPACT_AFTER_BYTES = 4L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(FileConfigStore.class);
    private static final ObjectMapper MAPPER = ConfigJson.mapper();

    private final Path directory;
    private final Path stateFile;
    private final Path journalFile;
    private final long compactAfterBytes;
    private final SnapshotCodec codec = new SnapshotCodec();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** Set once by {@link #load}, before the store is handed out. */
    private ChangePublisher publisher;
    // Guarded by writeLock.
    private Journal journal;
    private long stateBytes;
    private boolean closed;
    private IOException broken;
    private long compactions;

    private FileConfigStore(Path directory, long compactAfterBytes, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.stateFile = directory.resolve(STATE_FILE);
        this.journalFile = directory.resolve(JOURNAL_FILE);
        this.compactAfterBytes = compactAfterBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (creating if needed) the store in {@code directory} and loads it.
     *
     * @throws CorruptStoreException when a store file cannot be loaded (the message names the file and reason)
     * @throws IllegalStateException when another process (or another open store) holds the directory
     * @throws UncheckedIOException  when the directory cannot be read or written
     */
    public static FileConfigStore open(Path directory) {
        return open(directory, DEFAULT_COMPACT_AFTER_BYTES);
    }

    static FileConfigStore open(Path directory, long compactAfterBytes) {
        final Path dir = directory.toAbsolutePath();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            final FileLock lock = tryLock(lockChannel, dir);
            final FileConfigStore store = new FileConfigStore(dir, compactAfterBytes, lockChannel, lock);
            store.load();
            return store;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException(dir + ": cannot open the store: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel, Path dir) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IllegalStateException(dir + ": the store is already open (" + LOCK_FILE + " is locked)");
        }
        return lock;
    }

    /** The data directory. */
    public Path directory() {
        return directory;
    }

    @Override
    public ConfigSnapshot current() {
        return publisher.current();
    }

    @Override
    public ConfigChange commit(Function<ConfigSnapshot, ConfigEdit> mutation) {
        Objects.requireNonNull(mutation, "mutation");
        return write(before -> {
            final ConfigEdit edit = Objects.requireNonNull(mutation.apply(before), "the mutation returned null");
            final ConfigChange change = before.apply(edit, before.revision() + 1);
            return change.isEmpty() ? ConfigChange.none(before) : change;
        });
    }

    @Override
    public ConfigSnapshot update(UnaryOperator<ConfigSnapshot> mutation) {
        Objects.requireNonNull(mutation, "mutation");
        return write(before -> {
            final ConfigSnapshot proposed = mutation.apply(before);
            if (proposed == before) {
                return ConfigChange.none(before);
            }
            Objects.requireNonNull(proposed, "the mutation returned null");
            // A new instance is a commit even when it holds the same objects, as it always was for this method.
            return before.apply(ConfigEdit.between(before, proposed), before.revision() + 1);
        }).next();
    }

    /** Commits the change {@code make} computes from the latest snapshot, unless it returns no new snapshot. */
    private ConfigChange write(Function<ConfigSnapshot, ConfigChange> make) {
        writeLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(directory + ": the store is closed");
            }
            if (broken != null) {
                throw new IllegalStateException(directory + ": the store refuses writes after a disk failure; "
                        + "reopen it", broken);
            }
            final ConfigSnapshot before = publisher.current();
            final ConfigChange change = make.apply(before);
            if (change.next() == before) {
                return change;
            }
            final ObjectNode record = codec.encodeChange(change);
            record.put("revision", change.next().revision());
            // Never commit what the next start could not load: read the changed objects back first.
            codec.verifyChanges(record);
            try {
                journal.append(record);
            } catch (Journal.JournalBrokenException e) {
                broken = e;
                throw new UncheckedIOException(journal.path() + ": commit failed: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(journal.path() + ": commit failed: " + e.getMessage(), e);
            }
            if (journal.size() > Math.max(compactAfterBytes, stateBytes)) {
                compact(change.next());
            }
            publisher.publish(change);
            return change;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void addChangeListener(Consumer<ConfigChange> listener) {
        Objects.requireNonNull(listener, "listener");
        writeLock.lock();
        try {
            publisher.addListener(listener);
        } finally {
            writeLock.unlock();
        }
    }

    /** Stops accepting writes and releases the directory. Idempotent. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("closing " + journalFile + ": " + e.getMessage());
            }
            releaseLock();
        } finally {
            writeLock.unlock();
        }
    }

    /** For tests and the benchmark: how many compactions this instance ran. */
    long compactions() {
        writeLock.lock();
        try {
            return compactions;
        } finally {
            writeLock.unlock();
        }
    }

    /** For the benchmark: runs a compaction now (a full state rewrite). */
    void compactNow() {
        writeLock.lock();
        try {
            compact(publisher.current());
        } finally {
            writeLock.unlock();
        }
    }

    // ---- loading -----------------------------------------------------------------------------------------------

    private void load() throws IOException {
        removeTempFiles();
        final SnapshotCodec.Builder objects = new SnapshotCodec.Builder();
        // The journal is read beside the state file, and the objects of both are decoded on every CPU before they
        // are filed in order (SnapshotCodec#decodeAhead); the state's failures still come before the journal's.
        final CompletableFuture<Journal.Contents> journalRead = Files.exists(journalFile)
                ? CompletableFuture.supplyAsync(this::readJournal) : null;
        final JsonNode state = Files.exists(stateFile) ? readStateFile() : null;
        long revision = state == null ? 0 : stateRevision(state);
        boolean haveState = false;
        final List<JsonNode> stored = new ArrayList<>();
        stored.add(state);
        final Journal.Contents early = journalRead == null ? null : journalRead.exceptionally(e -> null).join();
        if (early != null) {
            early.records().forEach(record -> stored.add(record.isObject() ? record.get("put") : null));
        }
        codec.decodeAhead(stored, objects);
        if (state != null) {
            try {
                codec.decodeInto(state, objects, "state");
            } catch (SnapshotCodec.StoreFormatError e) {
                throw new CorruptStoreException(stateFile, e.getMessage(), e);
            }
            stateBytes = Files.size(stateFile);
            haveState = true;
        }
        if (journalRead == null) {
            publisher = new ChangePublisher(objects.build(revision));
            if (!haveState) {
                // A fresh store: the empty journal is the whole state.
                stateBytes = 0;
            }
            journal = Journal.create(journalFile);
            return;
        }
        final Journal.Contents contents = journal(journalRead);
        final long stateRevision = revision;
        int lineNo = 1;
        for (final JsonNode record : contents.records()) {
            lineNo++;
            final long recordRevision = revisionOf(record, lineNo);
            if (recordRevision <= stateRevision) {
                continue; // already folded into the state file by a compaction that stopped before its second rename
            }
            if (recordRevision != revision + 1) {
                throw new CorruptStoreException(journalFile, "line " + lineNo + ": revision " + recordRevision
                        + " does not follow revision " + revision);
            }
            applyRecord(record, objects, lineNo);
            revision = recordRevision;
        }
        final ConfigSnapshot loaded = objects.build(revision);
        publisher = new ChangePublisher(loaded);
        if (contents.tornTail()) {
            // Copy first, then fold into the state, then replace: a crash at any step repeats this recovery.
            final Path aside = directory.resolve(JOURNAL_FILE + ".torn-" + revision);
            LOG.warn(journalFile + ": dropping an unfinished last write (bytes after "
                    + contents.validLength() + "); the journal is kept as " + aside);
            Files.copy(journalFile, aside, StandardCopyOption.REPLACE_EXISTING);
            writeState(loaded);
            journal = Journal.create(journalFile);
        } else {
            journal = Journal.open(journalFile, contents.validLength());
        }
    }

    private void removeTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (final Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(DurableFiles.TEMP_SUFFIX) && Files.isRegularFile(p)) {
                    LOG.info("removing " + p + ", an unfinished write");
                    Files.delete(p);
                }
            }
        }
    }

    private Journal.Contents readJournal() {
        try {
            return Journal.read(journalFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@link #readJournal} gave, or threw. */
    private static Journal.Contents journal(CompletableFuture<Journal.Contents> read) throws IOException {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    private JsonNode readStateFile() throws IOException {
        try {
            return MAPPER.readTree(stateFile.toFile());
        } catch (JsonProcessingException e) {
            throw new CorruptStoreException(stateFile, "invalid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()), e);
        }
    }

    /** The state file's revision, once its format is checked. */
    private long stateRevision(JsonNode root) {
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new CorruptStoreException(stateFile, "not a Fulcrum store file (expected \"format\": \""
                    + FORMAT + "\")");
        }
        final JsonNode version = root.get("format_version");
        if (version == null || !version.isInt() || version.intValue() != FORMAT_VERSION) {
            throw new CorruptStoreException(stateFile, "format_version " + version + " is not supported (this "
                    + "Fulcrum reads version " + FORMAT_VERSION + ")");
        }
        final JsonNode revision = root.get("revision");
        if (revision == null || !revision.canConvertToLong() || !revision.isIntegralNumber()
                || revision.longValue() < 0) {
            throw new CorruptStoreException(stateFile, "revision " + revision + " is not a non-negative integer");
        }
        return revision.longValue();
    }

    private long revisionOf(JsonNode record, int lineNo) {
        final JsonNode r = record.get("revision");
        if (!record.isObject() || r == null || !r.isIntegralNumber() || !r.canConvertToLong()) {
            throw new CorruptStoreException(journalFile, "line " + lineNo + ": no integer \"revision\"");
        }
        return r.longValue();
    }

    private void applyRecord(JsonNode record, SnapshotCodec.Builder objects, int lineNo) {
        try {
            codec.deleteFrom(record.get("delete"), objects, "line " + lineNo + " delete");
            codec.decodeInto(record.get("put"), objects, "line " + lineNo + " put");
        } catch (SnapshotCodec.StoreFormatError e) {
            throw new CorruptStoreException(journalFile, e.getMessage(), e);
        }
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    private void writeState(ConfigSnapshot snapshot) throws IOException {
        final ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("revision", snapshot.revision());
        root.setAll(codec.encodeAll(snapshot));
        stateBytes = DurableFiles.replace(stateFile, out -> MAPPER.writeValue(out, root));
    }

    /**
     * Folds the journal into a new state file, then starts an empty journal. The commit that triggered this is
     * already durable, so a failure here is logged and the old journal stays in use.
     */
    private void compact(ConfigSnapshot snapshot) {
        try {
            writeState(snapshot);
        } catch (IOException | RuntimeException e) {
            LOG.warn("compaction of " + directory + " failed; the journal stays in "
                    + "use: " + e);
            return;
        }
        compactions++;
        final Journal old = journal;
        try {
            journal = Journal.create(journalFile);
        } catch (IOException e) {
            // If the rename happened, appends to the old (unlinked) file would be lost: refuse writes instead.
            broken = e;
            LOG.error("starting a new journal in " + directory + " failed: " + e);
            return;
        }
        try {
            old.close();
        } catch (IOException e) {
            LOG.warn("closing the old journal: " + e);
        }
    }

    private void releaseLock() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("releasing " + LOCK_FILE + ": " + e.getMessage(), e);
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
