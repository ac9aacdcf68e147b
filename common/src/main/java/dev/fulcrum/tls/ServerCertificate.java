package dev.fulcrum.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One certificate chain (leaf first) and its private key, read from {@code source} (a file, for messages) and known
 * by {@code alias} in the key store the TLS listener is built from.
 */
public record ServerCertificate(String alias, String source, PrivateKey key, List<X509Certificate> chain) {

    private static final int DNS_NAME = 2;

    public ServerCertificate {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the leaf certificate");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * The host names the leaf certificate is for, as SNI matches them: its DNS subject alternative names (wildcards
     * such as {@code *.example.com} included), else its subject's common name.
     */
    public List<String> names() {
        final List<String> names = new ArrayList<>();
        try {
            final Collection<List<?>> alternatives = leaf().getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (alternative.size() >= 2 && Integer.valueOf(DNS_NAME).equals(alternative.get(0))) {
                        names.add(String.valueOf(alternative.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable extension: fall back to the common name
        }
        if (names.isEmpty()) {
            final String subject = leaf().getSubjectX500Principal().getName();
            for (String part : subject.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return names() + " from " + source;
    }
}
