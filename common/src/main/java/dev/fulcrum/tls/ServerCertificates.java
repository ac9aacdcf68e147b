package dev.fulcrum.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The certificates a TLS listener serves, chosen per connection by the name the client asks for (SNI); the
 * {@link #defaultCertificate()} answers a client that names no host, or one no certificate is for. Immutable: a
 * reload builds a new set.
 */
public final class ServerCertificates {

    private final List<ServerCertificate> certificates;
    private final ServerCertificate defaultCertificate;

    ServerCertificates(List<ServerCertificate> certificates, ServerCertificate defaultCertificate) {
        this.certificates = List.copyOf(certificates);
        this.defaultCertificate = Objects.requireNonNull(defaultCertificate, "defaultCertificate");
    }

    /** Every certificate, the default one first. */
    public List<ServerCertificate> all() {
        return certificates;
    }

    public ServerCertificate defaultCertificate() {
        return defaultCertificate;
    }

    /**
     * An in-memory key store holding every certificate under its alias, each key protected by {@code password}
     * (the store never touches a disk, so the password only satisfies the key store API).
     */
    public KeyStore keyStore(char[] password) {
        try {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (ServerCertificate certificate : certificates) {
                store.setKeyEntry(certificate.alias(), certificate.key(), password,
                        certificate.chain().toArray(new Certificate[0]));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an in-memory key store: " + e, e);
        }
    }

    @Override
    public String toString() {
        return certificates.toString();
    }
}
