package dev.fulcrum.net;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import java.security.KeyStore;
import java.util.List;

/**
 * TLS toward origins, as the upstream client and the https probes both speak it: the peer name (the Host value,
 * see {@link ConnectTo}) is the SNI, and the certificate is verified against it ("Full (strict)").
 *
 * <p>The JDK sends no SNI for a name without a dot ({@code localhost}, an intranet name); Cloudflare sends the Host
 * value whatever it is (spec §3.1), so such names are sent too. IP literals never are (RFC 6066 §3 forbids them):
 * with an IP as the Host value, the certificate is checked against the IP alone.
 */
public final class OriginTls {

    private OriginTls() {
    }

    /**
     * A client factory that verifies certificates and their names.
     *
     * @param trustStore the trusted certificates, or null for the JVM's default trust store (which honours
     *                   {@code javax.net.ssl.trustStore})
     */
    public static SslContextFactory.Client verifying(KeyStore trustStore) {
        final SslContextFactory.Client tls = new SslContextFactory.Client();
        if (trustStore != null) {
            tls.setTrustStore(trustStore);
        }
        tls.setSNIProvider(OriginTls::hostNameSni);
        return tls;
    }

    /** A client factory that accepts any certificate for any name (a monitor's {@code allow_insecure}). */
    public static SslContextFactory.Client trustingAll() {
        final SslContextFactory.Client tls = new SslContextFactory.Client(true);
        tls.setEndpointIdentificationAlgorithm(null);
        tls.setSNIProvider(OriginTls::hostNameSni);
        return tls;
    }

    /** The JDK's choice when it made one, else the peer host when it is a valid host name. */
    static List<SNIServerName> hostNameSni(SSLEngine engine, List<SNIServerName> jdkChoice) {
        final String host = engine.getPeerHost();
        if (!jdkChoice.isEmpty() || host == null || host.isEmpty() || isIpLiteral(host)) {
            return jdkChoice;
        }
        try {
            return List.of(new SNIHostName(host));
        } catch (IllegalArgumentException e) {
            // Not a valid DNS name (e.g. an underscore): no SNI, and the name check will say what is wrong.
            return jdkChoice;
        }
    }

    /** IPv6 literals hold a colon; a name of digits and dots only is an IPv4 literal (no TLD is numeric). */
    public static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            final char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
