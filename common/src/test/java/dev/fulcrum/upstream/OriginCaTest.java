package dev.fulcrum.upstream;

import dev.fulcrum.testing.SelfSignedCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OriginCaTest {

    @TempDir
    static Path dir;
    private static SelfSignedCertificate first;
    private static SelfSignedCertificate second;

    @BeforeAll
    static void certificates() throws Exception {
        first = SelfSignedCertificate.generate(dir, "a.fulcrum.test");
        second = SelfSignedCertificate.generate(dir, "b.fulcrum.test");
    }

    private static Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<String> subjects(KeyStore store) throws Exception {
        final List<String> subjects = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            assertThat(store.isCertificateEntry(alias)).as(alias + " is a trusted certificate").isTrue();
            subjects.add(((X509Certificate) store.getCertificate(alias)).getSubjectX500Principal().getName());
        }
        return subjects;
    }

    @Test
    void oneCertificateIsTheWholeTrust() throws Exception {
        final KeyStore store = OriginCa.load(file("one.pem", first.pem()));

        assertThat(subjects(store)).containsExactly("CN=a.fulcrum.test");
    }

    @Test
    void everyBlockIsTrustedAndTextAroundThemIsIgnored() throws Exception {
        final KeyStore store = OriginCa.load(file("bundle.pem",
                "# origin CAs\n" + first.pem() + "subject=CN=b.fulcrum.test\n" + second.pem()));

        assertThat(subjects(store)).containsExactlyInAnyOrder("CN=a.fulcrum.test", "CN=b.fulcrum.test");
    }

    @Test
    void aBlockThatIsNoCertificateIsRefusedNamingItsPlace() throws Exception {
        final Path garbage = file("garbage.pem", first.pem()
                + "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> OriginCa.load(garbage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(garbage + ": certificate 2 is not a valid X.509 certificate");
    }

    @Test
    void anUnfinishedBlockIsRefused() throws Exception {
        final Path cut = file("cut.pem", first.pem().substring(0, 100));

        assertThatThrownBy(() -> OriginCa.load(cut))
                .hasMessage(cut + ": certificate 1 has no -----END CERTIFICATE----- line");
    }

    @Test
    void aFileWithoutCertificatesIsRefused() throws Exception {
        final Path empty = file("empty.pem", "");
        final Path binary = Files.write(dir.resolve("binary.der"), new byte[] {0x30, (byte) 0x82, (byte) 0xff, 0});

        assertThatThrownBy(() -> OriginCa.load(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(empty + ": no certificate in it (expected: one or more PEM blocks");
        assertThatThrownBy(() -> OriginCa.load(binary))
                .hasMessageStartingWith(binary + ": no certificate in it");
    }

    @Test
    void aMissingOrUnreadableFileIsRefused() {
        final Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> OriginCa.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": no such file");
        assertThatThrownBy(() -> OriginCa.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(dir + ": cannot be read");
    }
}
