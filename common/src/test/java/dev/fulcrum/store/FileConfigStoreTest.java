package dev.fulcrum.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.fulcrum.store.StoreFixtures.account;
import static dev.fulcrum.store.StoreFixtures.everyKind;
import static dev.fulcrum.store.StoreFixtures.pool;
import static dev.fulcrum.store.StoreFixtures.withAccount;
import static dev.fulcrum.store.StoreFixtures.withPool;
import static dev.fulcrum.store.StoreFixtures.withoutPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileConfigStoreTest {

    @TempDir
    Path dir;

    private final List<FileConfigStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileConfigStore::close);
    }

    private FileConfigStore open() {
        final FileConfigStore store = FileConfigStore.open(dir);
        opened.add(store);
        return store;
    }

    private FileConfigStore open(long compactAfterBytes) {
        final FileConfigStore store = FileConfigStore.open(dir, compactAfterBytes);
        opened.add(store);
        return store;
    }

    private FileConfigStore reopen(FileConfigStore store) {
        store.close();
        return open();
    }

    @Test
    void aFreshDirectoryStartsEmptyAtRevisionZero() {
        final FileConfigStore store = open();
        assertThat(store.current().revision()).isZero();
        assertThat(store.current().pools()).isEmpty();
        assertThat(dir.resolve("journal.log")).exists();
        assertThat(reopen(store).current()).isEqualTo(ConfigSnapshot.EMPTY);
    }

    @Test
    void everyKindOfObjectSurvivesCloseAndReopen() {
        final FileConfigStore store = open();
        final ConfigSnapshot written = store.update(StoreFixtures::everyKind);
        assertThat(written.revision()).isOne();

        final ConfigSnapshot read = reopen(store).current();
        assertThat(read).isEqualTo(written);
        assertThat(read.monitorGroups()).hasSize(1);
        assertThat(read.monitorGroups().values().iterator().next().members()).hasSize(1);
        assertThat(read.pools().values()).flatExtracting(Pool::origins).extracting(Origin::disabledAt)
                .hasSize(4).filteredOn(t -> t != null).hasSize(2);
    }

    @Test
    void updatesAndDeletesSurviveReopen() {
        FileConfigStore store = open();
        store.update(StoreFixtures::everyKind);
        final String poolId = "9290f38c5d07c2e2f4df57b1f61d4196";
        final Pool renamed = pool(poolId, "renamed");
        store.update(s -> withPool(s, renamed));
        final String other = store.current().pools().keySet().stream().filter(id -> !id.equals(poolId))
                .findFirst().orElseThrow();
        final ConfigSnapshot last = store.update(s -> withoutPool(s, other));

        store = reopen(store);
        assertThat(store.current()).isEqualTo(last);
        assertThat(store.current().revision()).isEqualTo(3);
        assertThat(store.current().pools()).containsOnlyKeys(poolId);
        assertThat(store.current().pools().get(poolId).name()).isEqualTo("renamed");
    }

    @Test
    void aCommitThatAddsOneAndDeletesAnotherKeepsBoth() {
        FileConfigStore store = open();
        store.update(StoreFixtures::everyKind);
        final String gone = "9290f38c5d07c2e2f4df57b1f61d4196";
        final Pool added = pool(Ids.newId(), "swapped-in");
        final ConfigSnapshot swapped = store.update(s -> withPool(withoutPool(s, gone), added));
        assertThat(swapped.pools()).hasSize(2).doesNotContainKey(gone).containsKey(added.id());

        store = reopen(store);
        assertThat(store.current()).isEqualTo(swapped);
    }

    @Test
    void compactionFoldsTheJournalIntoTheStateFile() throws IOException {
        FileConfigStore store = open(1);
        store.update(StoreFixtures::everyKind);
        for (int i = 0; i < 20; i++) {
            final Account a = account(Ids.newId());
            store.update(s -> withAccount(s, a));
        }
        final ConfigSnapshot last = store.current();
        assertThat(dir.resolve("state.json")).exists();
        final String state = Files.readString(dir.resolve("state.json"));
        assertThat(state).contains("\"monitor_groups\"", "\"must_be_healthy\":true");
        assertThat(state).contains("\"format\":\"fulcrum-store\"", "\"format_version\":1", "\"account_id\"",
                "\"zone_id\"");
        final Journal.Contents journal = Journal.read(dir.resolve("journal.log"));
        assertThat(journal.records()).as("journal restarted after revision 1")
                .allSatisfy(r -> assertThat(r.get("revision").longValue()).isGreaterThan(1));
        assertThat(journal.records().size()).isLessThan(21);

        store = reopen(store);
        assertThat(store.current()).isEqualTo(last);
        assertThat(store.current().accounts()).hasSize(21);
    }

    @Test
    void replaySkipsJournalRecordsAlreadyInTheStateFile() throws IOException {
        // The window between the two renames of a compaction: new state file, old journal still in place.
        FileConfigStore store = open();
        store.update(StoreFixtures::everyKind);
        store.update(s -> withAccount(s, account(Ids.newId())));
        store.close();
        final byte[] oldJournal = Files.readAllBytes(dir.resolve("journal.log"));
        store = open(1);
        store.update(s -> withAccount(s, account(Ids.newId())));   // compacts: state at revision 3
        final ConfigSnapshot last = store.current();
        store.close();
        Files.write(dir.resolve("journal.log"), oldJournal);          // revisions 1 and 2 only

        assertThat(open().current()).isEqualTo(last);
    }

    @Test
    void eightConcurrentWritersLoseNoUpdate() throws Exception {
        final FileConfigStore store = open(64 * 1024);
        final int writers = 8;
        final int perWriter = 25;
        final ExecutorService pool = Executors.newFixedThreadPool(writers);
        final CountDownLatch start = new CountDownLatch(1);
        try {
            final List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        final Account a = account(Ids.newId());
                        store.update(s -> withAccount(s, a));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (final Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.current().accounts()).hasSize(writers * perWriter);
        assertThat(store.current().revision()).isEqualTo(writers * perWriter);
        assertThat(reopen(store).current().accounts()).hasSize(writers * perWriter);
    }

    @Test
    void aThrowingMutationChangesNothing() throws IOException {
        final FileConfigStore store = open();
        final ConfigSnapshot before = store.update(StoreFixtures::everyKind);
        final byte[] journal = Files.readAllBytes(dir.resolve("journal.log"));

        assertThatThrownBy(() -> store.update(s -> {
            withAccount(s, account(Ids.newId()));
            throw new ConfigException(new dev.fulcrum.config.ConfigError("x", "x: no: validation failed", 1002));
        })).isInstanceOf(ConfigException.class);

        assertThat(store.current()).isSameAs(before);
        assertThat(Files.readAllBytes(dir.resolve("journal.log"))).isEqualTo(journal);
        assertThat(store.update(s -> withAccount(s, account(Ids.newId()))).revision()).isEqualTo(2);
    }

    @Test
    void returningTheSameSnapshotCommitsNothing() throws IOException {
        final FileConfigStore store = open();
        final ConfigSnapshot before = store.update(StoreFixtures::everyKind);
        final long size = Files.size(dir.resolve("journal.log"));
        final List<ConfigSnapshot> seen = new CopyOnWriteArrayList<>();
        store.addListener(seen::add);

        assertThat(store.update(s -> s)).isSameAs(before);
        assertThat(store.current().revision()).isOne();
        assertThat(Files.size(dir.resolve("journal.log"))).isEqualTo(size);
        assertThat(seen).containsExactly(before);
    }

    @Test
    void theRevisionIsTheStoresWhateverTheMutationReturns() {
        final FileConfigStore store = open();
        final ConfigSnapshot committed = store.update(s -> new ConfigSnapshot(99, Map.of(), Map.of(), Map.of(),
                Map.of(), Map.of()));
        assertThat(committed.revision()).isOne();
    }

    @Test
    void listenersGetTheCurrentSnapshotThenEachCommitInOrder() {
        final FileConfigStore store = open();
        final ConfigSnapshot first = store.update(StoreFixtures::everyKind);
        final List<Long> seen = new CopyOnWriteArrayList<>();
        final List<Long> second = new CopyOnWriteArrayList<>();
        store.addListener(s -> seen.add(s.revision()));
        store.addListener(s -> {
            throw new IllegalStateException("a broken listener");
        });
        store.addListener(s -> second.add(s.revision()));
        assertThat(seen).containsExactly(first.revision());

        for (int i = 0; i < 3; i++) {
            store.update(s -> withAccount(s, account(Ids.newId())));
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L);
        assertThat(second).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void listenersSeeOnlyDurableState() {
        final FileConfigStore store = open();
        final List<Long> onDisk = new CopyOnWriteArrayList<>();
        store.addListener(s -> {
            // Loading the directory's files the way a restart would must already show this revision.
            try {
                final Journal.Contents c = Journal.read(dir.resolve("journal.log"));
                onDisk.add(c.records().isEmpty() ? 0L : c.records().get(c.records().size() - 1).get("revision")
                        .longValue());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        store.update(StoreFixtures::everyKind);
        store.update(s -> withAccount(s, account(Ids.newId())));
        assertThat(onDisk).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aCorruptStateFileStopsTheStartAndIsLeftUntouched() throws IOException {
        FileConfigStore store = open(1);
        store.update(StoreFixtures::everyKind);
        store.close();
        final Path state = dir.resolve("state.json");
        final byte[] good = Files.readAllBytes(state);
        final byte[] half = java.util.Arrays.copyOf(good, good.length / 2);
        Files.write(state, half);

        assertThatThrownBy(this::open).isInstanceOfSatisfying(CorruptStoreException.class, e -> {
            assertThat(e.file()).isEqualTo(state.toAbsolutePath());
            assertThat(e.getMessage()).startsWith(state.toAbsolutePath() + ": invalid JSON");
        });
        assertThat(Files.readAllBytes(state)).isEqualTo(half);
        assertThat(dir.resolve("journal.log")).exists();
    }

    @Test
    void anInvalidObjectInTheStateFileIsNamed() throws IOException {
        FileConfigStore store = open(1);
        store.update(StoreFixtures::everyKind);
        store.close();
        final Path state = dir.resolve("state.json");
        final String broken = Files.readString(state).replace("\"weight\":0.5", "\"weight\":2");
        Files.writeString(state, broken);

        assertThatThrownBy(this::open).isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining(state.toAbsolutePath().toString())
                .hasMessageContaining("state.pools[")
                .hasMessageContaining("origins[0].weight: 2 (expected: number 0-1 in steps of 0.01)");
        assertThat(Files.readString(state)).isEqualTo(broken);
    }

    @Test
    void anUnknownFormatVersionIsRefused() throws IOException {
        FileConfigStore store = open(1);
        store.update(StoreFixtures::everyKind);
        store.close();
        final Path state = dir.resolve("state.json");
        Files.writeString(state, Files.readString(state).replace("\"format_version\":1", "\"format_version\":2"));
        assertThatThrownBy(this::open).isInstanceOf(CorruptStoreException.class)
                .hasMessage(state.toAbsolutePath() + ": format_version 2 is not supported (this Fulcrum reads "
                        + "version 1)");

        Files.writeString(state, "{\"hello\":1}");
        assertThatThrownBy(this::open).isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining("not a Fulcrum store file");
    }

    @Test
    void aDamagedJournalLineFollowedByOthersStopsTheStart() throws IOException {
        FileConfigStore store = open();
        store.update(StoreFixtures::everyKind);
        store.update(s -> withAccount(s, account(Ids.newId())));
        store.update(s -> withAccount(s, account(Ids.newId())));
        store.close();
        final Path journal = dir.resolve("journal.log");
        final List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        lines.set(2, lines.get(2).replace("acct-", "ACCT-"));
        final String damaged = String.join("\n", lines) + "\n";
        Files.writeString(journal, damaged);

        assertThatThrownBy(this::open).isInstanceOfSatisfying(CorruptStoreException.class, e ->
                assertThat(e.getMessage()).isEqualTo(journal.toAbsolutePath() + ": line 3: checksum mismatch "
                        + "(more lines follow, so this is not an unfinished write)"));
        assertThat(Files.readString(journal)).isEqualTo(damaged);
    }

    @Test
    void aRevisionGapInTheJournalStopsTheStart() throws IOException {
        FileConfigStore store = open();
        store.update(StoreFixtures::everyKind);
        store.update(s -> withAccount(s, account(Ids.newId())));
        store.update(s -> withAccount(s, account(Ids.newId())));
        store.close();
        final Path journal = dir.resolve("journal.log");
        final List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        lines.remove(2);
        Files.writeString(journal, String.join("\n", lines) + "\n");

        assertThatThrownBy(this::open).isInstanceOf(CorruptStoreException.class)
                .hasMessage(journal.toAbsolutePath() + ": line 3: revision 3 does not follow revision 1");
    }

    @Test
    void theFirstProblemInReadingOrderIsTheOneNamed() throws IOException {
        // Objects are decoded ahead on every CPU; what is refused is still the first problem a reader meets.
        FileConfigStore store = open(1);
        store.update(StoreFixtures::everyKind);
        store.close();
        store = open();
        store.update(s -> withAccount(s, account(Ids.newId())));
        store.update(s -> withAccount(s, account(Ids.newId())));
        store.close();
        final Path journal = dir.resolve("journal.log");
        final List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        lines.remove(1);
        Files.writeString(journal, String.join("\n", lines) + "\n");
        assertThatThrownBy(this::open).hasMessageContaining(": line 2: revision 3 does not follow revision 1");

        final Path state = dir.resolve("state.json");
        Files.writeString(state, Files.readString(state).replace("\"weight\":0.5", "\"weight\":2"));
        assertThatThrownBy(this::open).as("the state file before the journal").isInstanceOf(CorruptStoreException.class)
                .hasMessageStartingWith(state.toAbsolutePath() + ": state.pools[")
                .hasMessageContaining("origins[0].weight: 2");
    }

    @Test
    void anUnfinishedLastWriteIsDroppedAndKeptAside() throws IOException {
        FileConfigStore store = open();
        final ConfigSnapshot acknowledged = store.update(StoreFixtures::everyKind);
        store.update(s -> withAccount(s, account(Ids.newId())));
        store.close();
        final Path journal = dir.resolve("journal.log");
        final byte[] full = Files.readAllBytes(journal);
        final String text = new String(full, StandardCharsets.UTF_8);
        final int lastLineStart = text.lastIndexOf('\n', text.length() - 2) + 1;
        // Cut the last append in the middle, as a crash during write() would.
        final byte[] torn = java.util.Arrays.copyOf(full, lastLineStart + (full.length - lastLineStart) / 2);
        Files.write(journal, torn);

        store = open();
        assertThat(store.current()).isEqualTo(acknowledged);
        assertThat(dir.resolve("journal.log.torn-1")).hasBinaryContent(torn);
        final ConfigSnapshot next = store.update(s -> withAccount(s, account(Ids.newId())));
        assertThat(next.revision()).isEqualTo(2);
        assertThat(reopen(store).current()).isEqualTo(next);
    }

    @Test
    void garbageAfterTheLastCompleteLineIsATornTail() throws IOException {
        FileConfigStore store = open();
        final ConfigSnapshot acknowledged = store.update(StoreFixtures::everyKind);
        store.close();
        final Path journal = dir.resolve("journal.log");
        Files.write(journal, new byte[512], java.nio.file.StandardOpenOption.APPEND);   // zero-filled pages

        assertThat(open().current()).isEqualTo(acknowledged);
    }

    @Test
    void leftoverTempFilesAreIgnoredAndRemoved() throws IOException {
        FileConfigStore store = open();
        final ConfigSnapshot written = store.update(StoreFixtures::everyKind);
        store.close();
        Files.writeString(dir.resolve("state.json.tmp"), "{ half a sta");
        Files.writeString(dir.resolve("journal.log.tmp"), "garbage");

        assertThat(open().current()).isEqualTo(written);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        final FileConfigStore store = open();
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already open");
        store.close();
        assertThat(open().current().revision()).isZero();
    }

    @Test
    void aClosedStoreRefusesWrites() {
        final FileConfigStore store = open();
        store.close();
        store.close();
        assertThatThrownBy(() -> store.update(StoreFixtures::everyKind)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void anObjectTheStoreCouldNotLoadIsNotCommitted() {
        final FileConfigStore store = open();
        final Pool valid = pool(Ids.newId(), "p");
        final Pool overweight = new Pool(valid.id(), valid.accountId(), valid.createdOn(), valid.modifiedOn(),
                null, valid.name(), valid.description(), true, 1, null, null,
                List.of(new Origin("a", "10.0.0.1", 80, true, 2.0, Map.of(), null, null)), "random", null, null,
                null, null, "", null, null);
        assertThatThrownBy(() -> store.update(s -> withPool(s, overweight)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("could not load again")
                .hasMessageContaining("origins[0].weight");
        assertThat(store.current().revision()).isZero();

        final Pool misfiled = pool(Ids.newId(), "q");
        assertThatThrownBy(() -> store.update(s -> new ConfigSnapshot(0, Map.of(), Map.of(), Map.of(),
                Map.of(Ids.newId(), misfiled), Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds the object with id " + misfiled.id());
    }

    @Test
    void commitJournalsOnlyTheEditAndTellsListenersWhatChanged() throws IOException {
        final FileConfigStore store = open();
        store.update(StoreFixtures::everyKind);
        final List<ConfigChange> changes = new CopyOnWriteArrayList<>();
        store.addChangeListener(changes::add);
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).previous()).isEqualTo(ConfigSnapshot.EMPTY);
        assertThat(changes.get(0).pools()).hasSize(2);

        final Pool added = pool(Ids.newId(), "added");
        final String removed = "9290f38c5d07c2e2f4df57b1f61d4196";
        final ConfigChange change = store.commit(s -> new ConfigEdit().put(added).delete(ConfigKind.POOL, removed));

        assertThat(change.next()).isSameAs(store.current());
        assertThat(change.next().revision()).isEqualTo(2);
        assertThat(change.pools()).containsExactlyInAnyOrder(added.id(), removed);
        assertThat(change.loadBalancers()).isEmpty();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(1)).isSameAs(change);
        final JsonNode record = Journal.read(dir.resolve("journal.log")).records().get(1);
        assertThat(record.get("put").get("pools")).hasSize(1);
        assertThat(record.get("put").size()).isOne();
        assertThat(record.get("delete").get("pools").get(0).asText()).isEqualTo(removed);

        assertThat(reopen(store).current().pools()).containsKey(added.id()).doesNotContainKey(removed);
    }

    @Test
    void anEditThatChangesNothingCommitsNothing() throws IOException {
        final FileConfigStore store = open();
        final ConfigSnapshot before = store.update(StoreFixtures::everyKind);
        final long size = Files.size(dir.resolve("journal.log"));
        final ConfigChange none = store.commit(s -> ConfigEdit.putting(s.pools().values().iterator().next()));
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.next()).isSameAs(before);
        assertThat(Files.size(dir.resolve("journal.log"))).isEqualTo(size);
    }
}
