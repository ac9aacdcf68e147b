package dev.fulcrum.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a TLS listener's certificates come from: one certificate (PEM chain and key, or a PKCS#12 file), a
 * directory with one certificate per host name, or both. {@link #load()} reads them all or refuses with the file and
 * the reason; {@link #fingerprint()} tells a reload whether anything changed.
 *
 * <p><b>The directory.</b> Each certificate is one of: {@code NAME.crt}, {@code NAME.pem} or {@code NAME.cer} (the
 * chain, leaf first, with the key in {@code NAME.key} or in the same file), or {@code NAME.p12}/{@code NAME.pfx}
 * (PKCS#12, with the password setting). File names do not matter to clients: SNI is matched against each
 * certificate's own names, wildcards included ({@code *.example.com} serves {@code www.example.com}); an exact name
 * wins over a wildcard. Hidden files (Kubernetes' {@code ..data} links) and other extensions are ignored. The
 * default certificate, for clients that send no name or one nothing matches, is the single certificate when one is
 * given too, else {@code default.*} in the directory, else the first by file name.
 *
 * <p>Thread safety: immutable; {@link #load()} and {@link #fingerprint()} read the files on every call.
 */
public final class CertificateSource {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateSource.class);
    private static final List<String> CERTIFICATE_EXTENSIONS = List.of("crt", "pem", "cer");
    private static final List<String> PKCS12_EXTENSIONS = List.of("p12", "pfx");
    private static final String KEY_EXTENSION = "key";
    private static final String DEFAULT_STEM = "default";

    private final Path certificate;
    private final Path key;
    private final Path directory;
    private final char[] password;

    private CertificateSource(Path certificate, Path key, Path directory, String password) {
        if (certificate == null && directory == null) {
            throw new IllegalArgumentException("no certificate (expected: a certificate file, a directory, or both)");
        }
        if (key != null && certificate == null) {
            throw new IllegalArgumentException("a key file without its certificate file");
        }
        this.certificate = certificate;
        this.key = key;
        this.directory = directory;
        this.password = password == null ? new char[0] : password.toCharArray();
    }

    /**
     * @param certificate a PEM chain (with its key, or with {@code key}) or a PKCS#12 file ({@code .p12},
     *                    {@code .pfx}); null when only {@code directory} is used
     * @param key         the PEM key of {@code certificate} when it is not in that file; else null
     * @param directory   a directory of certificates, one per host name; else null
     * @param password    the PKCS#12 files' password, or null for none
     * @throws IllegalArgumentException when neither a certificate nor a directory is given
     */
    public static CertificateSource of(Path certificate, Path key, Path directory, String password) {
        return new CertificateSource(certificate, key, directory, password);
    }

    /**
     * Reads every certificate.
     *
     * @throws IllegalArgumentException naming the file and why it cannot be used: missing or unreadable, no
     *                                  certificate or no key in it, a key that is not the certificate's, a wrong
     *                                  PKCS#12 password, an encrypted PEM key
     */
    public ServerCertificates load() {
        final List<ServerCertificate> all = new ArrayList<>();
        if (certificate != null) {
            all.add(read(stem(certificate), certificate, key));
        }
        if (directory != null) {
            final List<ServerCertificate> fromDirectory = new ArrayList<>();
            for (Map.Entry<String, Path[]> pair : pairs().entrySet()) {
                final String alias = all.stream().anyMatch(c -> c.alias().equals(pair.getKey()))
                        ? "dir-" + pair.getKey() : pair.getKey();
                fromDirectory.add(read(alias, pair.getValue()[0], pair.getValue()[1]));
            }
            if (fromDirectory.isEmpty()) {
                throw new IllegalArgumentException(directory + ": no certificate in it (expected: NAME.crt or "
                        + "NAME.pem with NAME.key, or NAME.p12, one per host name)");
            }
            // The directory's default goes first when no single certificate was given.
            fromDirectory.stream().filter(c -> c.alias().equals(DEFAULT_STEM)).findFirst().ifPresent(d -> {
                fromDirectory.remove(d);
                fromDirectory.add(0, d);
            });
            all.addAll(fromDirectory);
        }
        for (ServerCertificate loaded : all) {
            warnIfNotValidNow(loaded);
        }
        return new ServerCertificates(all, all.get(0));
    }

    /**
     * A digest of every file {@link #load()} reads (names and contents), so a poller sees a change however the
     * files were replaced (rewritten, renamed over, a symbolic link swapped). A file that cannot be read counts as
     * a change too; {@link #load()} then says what is wrong with it.
     */
    public byte[] fingerprint() {
        final MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        final List<Path> files = new ArrayList<>();
        if (certificate != null) {
            files.add(certificate);
        }
        if (key != null) {
            files.add(key);
        }
        if (directory != null) {
            try {
                for (Path[] pair : pairs().values()) {
                    files.addAll(Arrays.asList(pair));
                }
            } catch (IllegalArgumentException e) {
                digest.update(e.getMessage().getBytes(StandardCharsets.UTF_8));
            }
        }
        for (Path file : files) {
            if (file == null) {
                continue;
            }
            digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
            try {
                digest.update(Files.readAllBytes(file));
            } catch (IOException e) {
                digest.update(e.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return digest.digest();
    }

    /** The directory's certificates by alias (file stem, in name order): certificate file and key file (or null). */
    private Map<String, Path[]> pairs() {
        final Map<String, Path[]> pairs = new TreeMap<>();
        final Map<String, Path> keys = new TreeMap<>();
        final List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(directory + ": no such directory", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(directory + ": cannot be read (" + e + ")", e);
        }
        entries.sort(null);
        for (Path entry : entries) {
            final String name = entry.getFileName().toString();
            final int dot = name.lastIndexOf('.');
            if (name.startsWith(".") || dot <= 0 || !Files.isRegularFile(entry)) {
                continue;
            }
            final String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
            final String stem = name.substring(0, dot).toLowerCase(Locale.ROOT);
            if (extension.equals(KEY_EXTENSION)) {
                keys.put(stem, entry);
            } else if (CERTIFICATE_EXTENSIONS.contains(extension) || PKCS12_EXTENSIONS.contains(extension)) {
                final Path[] previous = pairs.put(stem, new Path[] {entry, null});
                if (previous != null) {
                    throw new IllegalArgumentException(entry + ": a second certificate named " + stem + " (also "
                            + previous[0].getFileName() + "; expected: one file per certificate)");
                }
            }
        }
        for (Map.Entry<String, Path> keyFile : keys.entrySet()) {
            final Path[] pair = pairs.get(keyFile.getKey());
            if (pair == null) {
                throw new IllegalArgumentException(keyFile.getValue() + ": a key without a certificate (expected: "
                        + keyFile.getKey() + ".crt or " + keyFile.getKey() + ".pem beside it)");
            }
            pair[1] = keyFile.getValue();
        }
        return pairs;
    }

    private ServerCertificate read(String alias, Path certificateFile, Path keyFile) {
        final String name = certificateFile.getFileName().toString().toLowerCase(Locale.ROOT);
        final byte[] bytes = bytes(certificateFile);
        if (PKCS12_EXTENSIONS.stream().anyMatch(extension -> name.endsWith('.' + extension))) {
            if (keyFile != null) {
                throw new IllegalArgumentException(keyFile + ": a PKCS#12 file carries its own key (expected: no "
                        + "key file beside " + certificateFile.getFileName() + ")");
            }
            return pkcs12(alias, certificateFile, bytes);
        }
        final List<X509Certificate> chain;
        final PrivateKey inFile;
        try {
            final List<Pem.Block> blocks = Pem.blocks(Pem.text(bytes));
            chain = Pem.certificates(blocks);
            inFile = Pem.privateKey(blocks);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(certificateFile + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certificateFile + ": no certificate in it (expected: PEM blocks "
                    + "-----BEGIN CERTIFICATE-----, the host's certificate first)");
        }
        final PrivateKey privateKey;
        if (keyFile != null) {
            if (inFile != null) {
                throw new IllegalArgumentException(certificateFile + ": holds a private key, and " + keyFile
                        + " another (expected: one key)");
            }
            try {
                privateKey = Pem.privateKey(Pem.blocks(Pem.text(bytes(keyFile))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(keyFile + ": " + e.getMessage(), e);
            }
            if (privateKey == null) {
                throw new IllegalArgumentException(keyFile + ": no private key in it (expected: a PEM block "
                        + "-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
            }
        } else if (inFile == null) {
            throw new IllegalArgumentException(certificateFile + ": no private key in it, nor a key file beside it "
                    + "(expected: the key in the same file, or in a key file)");
        } else {
            privateKey = inFile;
        }
        final Path keySource = keyFile != null ? keyFile : certificateFile;
        checkPair(privateKey, chain.get(0), keySource + ": the private key is not the key of the certificate in "
                + certificateFile);
        return new ServerCertificate(alias, certificateFile.toString(), privateKey, chain);
    }

    private ServerCertificate pkcs12(String alias, Path file, byte[] bytes) {
        final KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not a PKCS#12 file, or not this password (" + e.getMessage()
                    + ")", e);
        }
        try {
            for (String entry : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(entry)) {
                    final PrivateKey privateKey = (PrivateKey) store.getKey(entry, password);
                    final Certificate[] chain = store.getCertificateChain(entry);
                    if (chain == null || chain.length == 0) {
                        continue;
                    }
                    final List<X509Certificate> x509 = new ArrayList<>();
                    for (Certificate certificate : chain) {
                        x509.add((X509Certificate) certificate);
                    }
                    return new ServerCertificate(alias, file.toString(), privateKey, x509);
                }
            }
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(file + ": its key cannot be read with this password (" + e.getMessage()
                    + ")", e);
        }
        throw new IllegalArgumentException(file + ": no private key with a certificate in it");
    }

    /** Signs and verifies a few bytes: the one check that holds for every key type. */
    private static void checkPair(PrivateKey privateKey, X509Certificate leaf, String mismatch) {
        final String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> privateKey.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
        final byte[] probe = "fulcrum certificate check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            final Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(privateKey);
            signer.update(probe);
            final byte[] signature = signer.sign();
            signer.initVerify(leaf.getPublicKey());
            signer.update(probe);
            matches = signer.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(mismatch);
        }
    }

    private static void warnIfNotValidNow(ServerCertificate loaded) {
        try {
            loaded.leaf().checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            LOG.warn("TLS certificate {} is not valid now ({}): clients will refuse it", loaded, e.getMessage());
        }
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e + ")", e);
        }
    }

    private static String stem(Path file) {
        final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        final int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    @Override
    public String toString() {
        return (certificate != null ? certificate + (key != null ? " + " + key : "") : "")
                + (certificate != null && directory != null ? " and " : "")
                + (directory != null ? directory + "/" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertificateSource other && Objects.equals(certificate, other.certificate)
                && Objects.equals(key, other.key) && Objects.equals(directory, other.directory)
                && Arrays.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(certificate, key, directory);
    }
}
