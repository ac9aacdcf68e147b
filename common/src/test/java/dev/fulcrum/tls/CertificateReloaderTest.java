package dev.fulcrum.tls;

import dev.fulcrum.testing.SelfSignedCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Changed files go into service; a bad change keeps what is in service until the files are right again. */
class CertificateReloaderTest {

    @TempDir
    static Path generated;
    private static SelfSignedCertificate first;
    private static SelfSignedCertificate second;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() throws Exception {
        first = SelfSignedCertificate.generate(generated, "first", "EC", "first.example.test");
        second = SelfSignedCertificate.generate(generated, "second", "EC", "second.example.test");
    }

    @Test
    void reloadsChangedFilesAndKeepsTheCurrentOnesOnABadChange() throws Exception {
        final Path certificate = dir.resolve("tls.crt");
        final Path key = dir.resolve("tls.key");
        first.writePem(certificate, key);
        final CertificateSource source = CertificateSource.of(certificate, key, null, null);
        final byte[] loaded = source.fingerprint();
        source.load();
        final List<ServerCertificates> applied = new ArrayList<>();

        try (CertificateReloader reloader = new CertificateReloader(source, loaded, applied::add)) {
            assertThat(reloader.check()).as("nothing changed").isFalse();

            // The certificate is replaced before its key: a mismatch, kept out of service.
            second.writePem(certificate, null);
            assertThat(reloader.check()).isFalse();
            assertThat(reloader.check()).as("the same bad files are not tried again").isFalse();
            assertThat(applied).isEmpty();

            Files.writeString(key, second.pemKey());
            assertThat(reloader.check()).isTrue();
            assertThat(applied).hasSize(1);
            assertThat(applied.get(0).defaultCertificate().names()).containsExactly("second.example.test");
            assertThat(reloader.check()).isFalse();
        }
    }
}
