package dev.fulcrum.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for one DNS name (no IP names), generated at test time with the JDK's keytool, in a
 * PKCS12 key store for a test origin, and a trust store holding only it for the client.
 */
public final class SelfSignedCertificate {

    public static final String PASSWORD = "test-secret";

    private final Path keyStore;

    private SelfSignedCertificate(Path keyStore) {
        this.keyStore = keyStore;
    }

    /** A certificate for {@code localhost}. */
    public static SelfSignedCertificate generate(Path dir) throws Exception {
        return generate(dir, "localhost");
    }

    /** A certificate whose subject and only subject alternative name is {@code dnsName}. */
    public static SelfSignedCertificate generate(Path dir, String dnsName) throws Exception {
        final Path file = dir.resolve(dnsName + ".p12");
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "origin",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + dnsName, "-ext", "SAN=dns:" + dnsName,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD)).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return new SelfSignedCertificate(file);
    }

    /** The PKCS12 key store (password {@link #PASSWORD}) holding the key and certificate. */
    public Path keyStore() {
        return keyStore;
    }

    /** The certificate alone, as a PEM {@code CERTIFICATE} block (what an operator's CA file holds). */
    public String pem() throws Exception {
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        final byte[] der = keys.getCertificate("origin").getEncoded();
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }

    /** A trust store holding only this certificate. */
    public KeyStore trustStore() throws Exception {
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        final Certificate certificate = keys.getCertificate("origin");
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("origin", certificate);
        return trust;
    }
}
