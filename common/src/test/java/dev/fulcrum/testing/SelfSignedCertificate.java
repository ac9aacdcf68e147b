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
 * A self-signed certificate for one or more DNS names (no IP names; wildcards allowed), generated at test time with
 * the JDK's keytool, in a PKCS12 key store for a test origin or listener, as PEM files for a listener, and a trust
 * store holding only it for the client. Its key never leaves the test's temporary directory.
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
        return generate(dir, dnsName.replace("*", "_wildcard"), "EC", dnsName);
    }

    /**
     * A certificate in {@code dir/STEM.p12} with an EC (P-256) or RSA (2048 bits) key, for {@code dnsNames} (the
     * first is the subject's common name too).
     */
    public static SelfSignedCertificate generate(Path dir, String stem, String keyAlgorithm, String... dnsNames)
            throws Exception {
        final Path file = dir.resolve(stem + ".p12");
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final List<String> command = new java.util.ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias",
                "origin", "-keyalg", keyAlgorithm));
        command.addAll(keyAlgorithm.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
        command.addAll(List.of("-dname", "CN=" + dnsNames[0], "-ext", "SAN=" + java.util.Arrays.stream(dnsNames)
                        .map(name -> "dns:" + name).collect(java.util.stream.Collectors.joining(",")),
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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
        return pemBlock("CERTIFICATE", keys().getCertificate("origin").getEncoded());
    }

    /** The private key as PKCS#8 DER. */
    public byte[] pkcs8Key() throws Exception {
        return keys().getKey("origin", PASSWORD.toCharArray()).getEncoded();
    }

    /** The private key as a PEM {@code PRIVATE KEY} block (PKCS#8, as current OpenSSL writes it). */
    public String pemKey() throws Exception {
        return pemBlock("PRIVATE KEY", pkcs8Key());
    }

    /** Writes the certificate to {@code certificate} and, when not null, the key to {@code key}; returns this. */
    public SelfSignedCertificate writePem(Path certificate, Path key) throws Exception {
        Files.writeString(certificate, pem());
        if (key != null) {
            Files.writeString(key, pemKey());
        }
        return this;
    }

    public static String pemBlock(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private KeyStore keys() throws Exception {
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        return keys;
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
