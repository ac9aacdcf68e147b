package dev.fulcrum.affinity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the cookie key comes from: the settings, or the data directory's key file (created once, owner-only). */
class AffinityKeyTest {

    private static final long NOW = 2_000_000_000L;

    @TempDir
    Path dataDir;

    private static boolean signsAlike(AffinityKey a, AffinityKey b) {
        final String token = new AffinityCookieCodec(a).encode(1, 2, 3, NOW + 60);
        return new AffinityCookieCodec(b).decode(token, 0, token.length(), 1, NOW, 3600) != null;
    }

    @Test
    void theFirstStartCreatesAnOwnerOnlyKeyFileThatLaterStartsReuse() throws Exception {
        final AffinityKey first = AffinityKey.loadOrCreate(dataDir);
        final Path file = dataDir.resolve(AffinityKey.FILE_NAME);
        assertThat(file).exists();
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        if (Files.getFileStore(dataDir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(dataDir.resolve(AffinityKey.FILE_NAME + ".tmp")).doesNotExist();

        final AffinityKey again = AffinityKey.loadOrCreate(dataDir);
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(signsAlike(first, again)).isTrue();
        assertThat(signsAlike(first, AffinityKey.random())).isFalse();
    }

    @Test
    void aConfiguredKeyWinsOverTheFileAndCopyingTheFileLineSharesTheKey() throws Exception {
        final AffinityKey stored = AffinityKey.loadOrCreate(dataDir);
        final String line = Files.readString(dataDir.resolve(AffinityKey.FILE_NAME));
        final AffinityKey otherNode = AffinityKey.resolve(Files.createTempDirectory(dataDir, "node2"), line);
        assertThat(signsAlike(stored, otherNode)).isTrue();

        final String configured = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[48]);
        final AffinityKey fromSettings = AffinityKey.resolve(dataDir, configured);
        assertThat(signsAlike(fromSettings, stored)).isFalse();
        assertThat(signsAlike(fromSettings, AffinityKey.of(new byte[48]))).isTrue();
        assertThat(AffinityKey.resolve(dataDir, "  ").fingerprint()).isEqualTo(stored.fingerprint());
    }

    @Test
    void unusableKeysAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> AffinityKey.fromBase64("c2hvcnQ="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base64 of 5 bytes (expected: at least 32 bytes")
                .hasMessageNotContaining("c2hvcnQ");
        assertThatThrownBy(() -> AffinityKey.fromBase64("not base64 at all!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not base64")
                .hasMessageNotContaining("at all");
        assertThatThrownBy(() -> AffinityKey.of(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("31 bytes");
        assertThat(AffinityKey.random().toString()).matches("AffinityKey\\[sha256:[0-9a-f]{16}…]");
    }

    @Test
    void aCorruptKeyFileStopsTheStartNamingTheFile() throws Exception {
        Files.writeString(dataDir.resolve(AffinityKey.FILE_NAME), "garbage\n");
        assertThatThrownBy(() -> AffinityKey.loadOrCreate(dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dataDir.resolve(AffinityKey.FILE_NAME).toString())
                .hasMessageContaining("corrupt")
                .hasMessageContaining("delete it");
    }
}
