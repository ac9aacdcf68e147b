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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Certificates from PEM pairs, PKCS#12 files and directories, and what a bad file is refused with. */
class CertificateSourceTest {

    @TempDir
    static Path generated;
    private static SelfSignedCertificate www;
    private static SelfSignedCertificate wildcard;
    private static SelfSignedCertificate rsa;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() throws Exception {
        www = SelfSignedCertificate.generate(generated, "www", "EC", "www.example.test");
        wildcard = SelfSignedCertificate.generate(generated, "wild", "EC", "*.example.test", "example.test");
        rsa = SelfSignedCertificate.generate(generated, "rsa", "RSA", "rsa.example.test");
    }

    @Test
    void readsAPemChainWithItsKeyInAFileOfItsOwn() throws Exception {
        www.writePem(dir.resolve("www.crt"), dir.resolve("www.key"));

        final ServerCertificates loaded = CertificateSource.of(dir.resolve("www.crt"), dir.resolve("www.key"), null,
                null).load();

        assertThat(loaded.all()).hasSize(1);
        assertThat(loaded.defaultCertificate().names()).containsExactly("www.example.test");
        assertThat(loaded.defaultCertificate().alias()).isEqualTo("www");
        assertThat(loaded.keyStore("x".toCharArray()).isKeyEntry("www")).isTrue();
    }

    @Test
    void readsAKeyInTheCertificateFileAndWildcardNames() throws Exception {
        Files.writeString(dir.resolve("both.pem"), wildcard.pem() + wildcard.pemKey());

        final ServerCertificates loaded = CertificateSource.of(dir.resolve("both.pem"), null, null, null).load();

        assertThat(loaded.defaultCertificate().names()).containsExactly("*.example.test", "example.test");
    }

    @Test
    void readsPkcs1RsaAndSec1EcKeysAsOpenSslWritesThem() throws Exception {
        rsa.writePem(dir.resolve("rsa.crt"), null);
        Files.writeString(dir.resolve("rsa.key"), SelfSignedCertificate.pemBlock("RSA PRIVATE KEY",
                innerKey(rsa.pkcs8Key())));
        www.writePem(dir.resolve("ec.crt"), null);
        Files.writeString(dir.resolve("ec.key"), SelfSignedCertificate.pemBlock("EC PRIVATE KEY",
                sec1WithCurve(www.pkcs8Key())));

        assertThat(CertificateSource.of(dir.resolve("rsa.crt"), dir.resolve("rsa.key"), null, null).load()
                .defaultCertificate().key().getAlgorithm()).isEqualTo("RSA");
        assertThat(CertificateSource.of(dir.resolve("ec.crt"), dir.resolve("ec.key"), null, null).load()
                .defaultCertificate().key().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void readsPkcs12WithItsPassword() {
        final ServerCertificates loaded = CertificateSource.of(rsa.keyStore(), null, null,
                SelfSignedCertificate.PASSWORD).load();

        assertThat(loaded.defaultCertificate().names()).containsExactly("rsa.example.test");
        assertThatThrownBy(() -> CertificateSource.of(rsa.keyStore(), null, null, "wrong").load())
                .hasMessageStartingWith(rsa.keyStore() + ": not a PKCS#12 file, or not this password");
    }

    @Test
    void refusesAKeyThatIsNotTheCertificatesNamingBothFiles() throws Exception {
        www.writePem(dir.resolve("www.crt"), null);
        Files.writeString(dir.resolve("other.key"), wildcard.pemKey());

        assertThatThrownBy(() -> CertificateSource.of(dir.resolve("www.crt"), dir.resolve("other.key"), null, null)
                .load()).hasMessage(dir.resolve("other.key") + ": the private key is not the key of the certificate in "
                + dir.resolve("www.crt"));
    }

    @Test
    void refusesMissingEmptyKeylessAndEncryptedFilesNamingThem() throws Exception {
        final Path missing = dir.resolve("missing.crt");
        assertThatThrownBy(() -> CertificateSource.of(missing, null, null, null).load())
                .hasMessage(missing + ": no such file");

        final Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertThatThrownBy(() -> CertificateSource.of(empty, null, null, null).load())
                .hasMessageStartingWith(empty + ": no certificate in it");

        final Path keyless = Files.writeString(dir.resolve("keyless.pem"), www.pem());
        assertThatThrownBy(() -> CertificateSource.of(keyless, null, null, null).load())
                .hasMessageStartingWith(keyless + ": no private key in it");

        final Path encrypted = Files.writeString(dir.resolve("encrypted.pem"), www.pem()
                + SelfSignedCertificate.pemBlock("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00}));
        assertThatThrownBy(() -> CertificateSource.of(encrypted, null, null, null).load())
                .hasMessageStartingWith(encrypted + ": the private key is encrypted");

        final Path truncated = Files.writeString(dir.resolve("truncated.pem"), www.pem().substring(0, 200));
        assertThatThrownBy(() -> CertificateSource.of(truncated, null, null, null).load())
                .hasMessageStartingWith(truncated + ": certificate 1 has no -----END CERTIFICATE----- line");
    }

    @Test
    void aDirectoryServesOneCertificatePerNameWithItsDefaultFirst() throws Exception {
        final Path certs = Files.createDirectory(dir.resolve("certs"));
        www.writePem(certs.resolve("www.example.test.crt"), certs.resolve("www.example.test.key"));
        Files.writeString(certs.resolve("wildcard.pem"), wildcard.pem() + wildcard.pemKey());
        Files.copy(rsa.keyStore(), certs.resolve("default.p12"));
        Files.writeString(certs.resolve("README"), "ignored");
        Files.writeString(certs.resolve(".hidden.crt"), "ignored");

        final ServerCertificates loaded = CertificateSource.of(null, null, certs, SelfSignedCertificate.PASSWORD)
                .load();

        final List<String> aliases = new ArrayList<>();
        loaded.all().forEach(c -> aliases.add(c.alias()));
        assertThat(aliases).containsExactly("default", "wildcard", "www.example.test");
        assertThat(loaded.defaultCertificate().names()).containsExactly("rsa.example.test");

        // A single certificate given too is the default, before the directory's.
        final ServerCertificates withSingle = CertificateSource.of(www.keyStore(), null, certs,
                SelfSignedCertificate.PASSWORD).load();
        assertThat(withSingle.defaultCertificate().names()).containsExactly("www.example.test");
        assertThat(withSingle.all()).hasSize(4);
    }

    @Test
    void aDirectoryRefusesAKeyWithoutCertificateAndEmptiness() throws Exception {
        final Path certs = Files.createDirectory(dir.resolve("certs"));
        assertThatThrownBy(() -> CertificateSource.of(null, null, certs, null).load())
                .hasMessageStartingWith(certs + ": no certificate in it");

        Files.writeString(certs.resolve("lonely.key"), www.pemKey());
        assertThatThrownBy(() -> CertificateSource.of(null, null, certs, null).load())
                .hasMessageStartingWith(certs.resolve("lonely.key") + ": a key without a certificate");
        assertThatThrownBy(() -> CertificateSource.of(null, null, dir.resolve("nowhere"), null).load())
                .hasMessage(dir.resolve("nowhere") + ": no such directory");
    }

    @Test
    void theFingerprintChangesWithTheFilesOnly() throws Exception {
        www.writePem(dir.resolve("a.crt"), dir.resolve("a.key"));
        final CertificateSource source = CertificateSource.of(dir.resolve("a.crt"), dir.resolve("a.key"), null,
                null);
        final byte[] first = source.fingerprint();

        assertThat(source.fingerprint()).isEqualTo(first);
        wildcard.writePem(dir.resolve("a.crt"), null);
        assertThat(source.fingerprint()).isNotEqualTo(first);
    }

    /** The key inside a PKCS#8 PrivateKeyInfo: PKCS#1 for RSA, SEC 1 (without its curve) for EC. */
    private static byte[] innerKey(byte[] pkcs8) {
        int at = 0;
        at = headerEnd(pkcs8, at); // SEQUENCE
        at = skip(pkcs8, at); // version
        at = skip(pkcs8, at); // algorithm
        final int content = headerEnd(pkcs8, at);
        final int length = skip(pkcs8, at) - content;
        final byte[] inner = new byte[length];
        System.arraycopy(pkcs8, content, inner, 0, length);
        return inner;
    }

    /** SEC 1 as OpenSSL writes it: the JDK's inner key with the curve (P-256) added as [0] parameters. */
    private static byte[] sec1WithCurve(byte[] pkcs8) {
        final byte[] inner = innerKey(pkcs8);
        final int content = headerEnd(inner, 0);
        final byte[] curve = {(byte) 0xa0, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01,
                0x07};
        final int bodyLength = inner.length - content + curve.length;
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x30);
        if (bodyLength < 0x80) {
            out.write(bodyLength);
        } else {
            out.write(0x81);
            out.write(bodyLength);
        }
        out.write(inner, content, inner.length - content);
        out.writeBytes(curve);
        return out.toByteArray();
    }

    private static int headerEnd(byte[] der, int at) {
        final int first = der[at + 1] & 0xff;
        return at + 2 + (first < 0x80 ? 0 : first & 0x7f);
    }

    private static int skip(byte[] der, int at) {
        final int first = der[at + 1] & 0xff;
        int length = first;
        if (first >= 0x80) {
            length = 0;
            for (int i = 0; i < (first & 0x7f); i++) {
                length = (length << 8) | (der[at + 2 + i] & 0xff);
            }
        }
        return headerEnd(der, at) + length;
    }
}
