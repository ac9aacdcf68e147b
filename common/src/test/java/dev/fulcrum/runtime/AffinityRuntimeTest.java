package dev.fulcrum.runtime;

import dev.fulcrum.affinity.AffinityKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime's affinity settings: the shared cookie key (setting or key file) and the header session cap. */
class AffinityRuntimeTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[]{
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32});

    @TempDir
    Path dataDir;

    @Test
    void settingsReadTheKeyAndTheSessionCapWithoutShowingTheKey() {
        final FulcrumSettings s = FulcrumSettings.parse(List.of("--affinity-sessions", "5000"),
                Map.of("FULCRUM_AFFINITY_KEY", KEY));
        assertThat(s.affinityKey()).isEqualTo(KEY);
        assertThat(s.affinitySessions()).isEqualTo(5000);
        assertThat(s.toString()).doesNotContain(KEY).contains("affinityKey=(given)");
        assertThat(FulcrumSettings.defaults().affinityKey()).isNull();
        assertThat(FulcrumSettings.defaults().affinitySessions()).isEqualTo(100_000);
        assertThat(FulcrumSettings.optionsHelp()).contains("--affinity-key", "FULCRUM_AFFINITY_KEY",
                "--affinity-sessions", "FULCRUM_AFFINITY_SESSIONS");

        assertThatThrownBy(() -> FulcrumSettings.parse(List.of("--affinity-key", "dG9vIHNob3J0"), Map.of()))
                .hasMessageStartingWith("--affinity-key: base64 of 9 bytes (expected: at least 32 bytes")
                .hasMessageNotContaining("dG9vIHNob3J0");
        assertThatThrownBy(() -> FulcrumSettings.parse(List.of("--affinity-sessions=0"), Map.of()))
                .hasMessage("--affinity-sessions: '0' is not a count (expected: an integer of at least 1)");
    }

    @Test
    void theFirstStartCreatesTheKeyFileAndEveryLaterStartUsesIt() throws Exception {
        final FulcrumSettings settings = FulcrumSettings.builder().dataDir(dataDir).affinitySessions(10).build();
        final String fingerprint;
        try (Fulcrum fulcrum = new Fulcrum(settings).start()) {
            assertThat(dataDir.resolve(AffinityKey.FILE_NAME)).exists();
            fingerprint = fulcrum.router().affinitySettings().key().fingerprint();
            assertThat(fulcrum.router().headerSessions().maxSessions()).isEqualTo(10);
        }
        assertThat(AffinityKey.loadOrCreate(dataDir).fingerprint()).isEqualTo(fingerprint);
        try (Fulcrum again = new Fulcrum(settings).start()) {
            assertThat(again.router().affinitySettings().key().fingerprint()).isEqualTo(fingerprint);
        }
        try (Fulcrum shared = new Fulcrum(settings.toBuilder().affinityKey(KEY).build()).start()) {
            assertThat(shared.router().affinitySettings().key().fingerprint())
                    .isEqualTo(AffinityKey.fromBase64(KEY).fingerprint())
                    .isNotEqualTo(fingerprint);
        }
    }

    @Test
    void aCorruptKeyFileStopsTheStartAndLeavesNothingOpen() throws Exception {
        Files.writeString(dataDir.resolve(AffinityKey.FILE_NAME), "?\n");
        final FulcrumSettings settings = FulcrumSettings.builder().dataDir(dataDir).build();
        assertThatThrownBy(() -> new Fulcrum(settings).start())
                .isInstanceOf(FulcrumStartException.class)
                .hasMessageContaining("session affinity key")
                .hasMessageContaining(AffinityKey.FILE_NAME);
        // The store was closed: a start with a usable key opens it again.
        try (Fulcrum fulcrum = new Fulcrum(settings.toBuilder().affinityKey(KEY).build()).start()) {
            assertThat(fulcrum.isRunning()).isTrue();
        }
    }
}
