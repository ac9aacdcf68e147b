package dev.fulcrum.upstream;

import dev.fulcrum.tls.Pem;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The operator's origin CA file: PEM {@code CERTIFICATE} blocks that become the trust store of the upstream client
 * and the https probes alike, so a probe never distrusts an origin that traffic trusts.
 *
 * <p>The file replaces the JVM's default trust for origins rather than adding to it: an operator who names the CAs
 * of their origins means those and no others (as Cloudflare's custom origin trust store does), and a private CA
 * should not quietly widen into every public CA. Public CAs can still be trusted by appending them to the file.
 */
public final class OriginCa {

    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    private OriginCa() {
    }

    /**
     * Reads every certificate of a PEM file into a fresh in-memory trust store.
     *
     * @throws IllegalArgumentException naming the file and why it cannot be used: missing, unreadable, no
     *                                  certificate in it, or a block that is not an X.509 certificate
     */
    public static KeyStore load(Path file) {
        final List<X509Certificate> certificates = parse(file, Pem.read(file));
        try {
            final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("origin-ca-" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            // An empty in-memory store of the JVM's own type cannot fail to load: this is a broken JVM.
            throw new IllegalStateException("cannot create a trust store: " + e, e);
        }
    }

    /** Each BEGIN/END block is parsed on its own, so an error names the block instead of the whole file. */
    private static List<X509Certificate> parse(Path file, String text) {
        final List<X509Certificate> certificates;
        try {
            certificates = Pem.certificates(Pem.blocks(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate in it (expected: one or more PEM blocks "
                    + BEGIN + " … " + END + ")");
        }
        return certificates;
    }
}
