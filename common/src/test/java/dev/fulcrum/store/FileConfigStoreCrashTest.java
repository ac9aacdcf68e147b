package dev.fulcrum.store;

import dev.fulcrum.config.ConfigSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Kills a writing process with SIGKILL at an arbitrary point and checks every acknowledged write is there. */
class FileConfigStoreCrashTest {

    private static final int ROUNDS = 3;
    private static final int ACKS_BEFORE_KILL = 60;
    private static final long DEADLINE_MS = 30_000;

    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveKillMinusNine() throws Exception {
        long lastAck = 0;
        for (int round = 0; round < ROUNDS; round++) {
            final Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
                    dir.toString(), "8192", "100000")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                final String opened = out.readLine();
                assertThat(opened).as("child started").isNotNull().startsWith("open ");
                assertThat(Long.parseLong(opened.substring(5))).as("round %d starts from what was acked", round)
                        .isGreaterThanOrEqualTo(lastAck);
                final long deadline = System.currentTimeMillis() + DEADLINE_MS;
                int acks = 0;
                String line;
                while (acks < ACKS_BEFORE_KILL && System.currentTimeMillis() < deadline
                        && (line = out.readLine()) != null) {
                    if (line.startsWith("ack ")) {
                        lastAck = Long.parseLong(line.substring(4));
                        acks++;
                    }
                }
                assertThat(acks).as("acks in round %d", round).isEqualTo(ACKS_BEFORE_KILL);
                child.destroyForcibly();   // SIGKILL: no shutdown hooks, no close()
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }

            try (FileConfigStore store = FileConfigStore.open(dir)) {
                final ConfigSnapshot s = store.current();
                assertThat(s.revision()).as("round %d", round).isGreaterThanOrEqualTo(lastAck);
                // Each commit added exactly one account: the state is exactly some prefix of the commits.
                assertThat(s.accounts()).hasSize((int) s.revision());
            }
        }
        assertThat(List.of(dir.toFile().list())).contains("journal.log");
    }
}
