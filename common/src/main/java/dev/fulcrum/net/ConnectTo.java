package dev.fulcrum.net;

import java.util.Locale;

/**
 * The tag of a Jetty request (and so of its destination, its connection pool) that says where it really connects
 * and which name its TLS peer carries: a destination whose URI host is {@link #uriHost} connects to
 * {@link #address}, and TLS sends {@link #peerName} as the SNI and verifies the certificate against it (spec §3.1,
 * §8.1: the Host value). {@link ConnectToResolver} acts on it.
 *
 * <p>Being part of the destination key (Jetty's {@code Origin} compares tags), two tags with different peer names
 * never share a connection: a connection verified for one name never serves another.
 *
 * @param uriHost  the request URI's host, as a URI writes it (IPv6 literals in brackets)
 * @param address  the origin address to connect to (IP literal or host name, brackets optional)
 * @param peerName the TLS name: a host name in lower case, or an IP literal (then no SNI is sent)
 */
public record ConnectTo(String uriHost, String address, String peerName) {

    /**
     * The tag for a request whose URI host is {@code uriHost}, toward {@code address}, whose TLS peer is named
     * after the Host value {@code hostValue} (any port dropped); null when the Host value is missing or blank,
     * since then the address itself is the only name there is.
     */
    public static ConnectTo of(String uriHost, String address, String hostValue) {
        final String name = peerName(hostValue);
        return name == null ? null : new ConnectTo(uriHost, address, name);
    }

    /**
     * The TLS name of a Host value: its host part, without any port or IPv6 brackets, in lower case (DNS names
     * are case-insensitive, and one spelling keeps one connection pool); null for a missing or blank value.
     */
    public static String peerName(String hostValue) {
        if (hostValue == null || hostValue.isBlank()) {
            return null;
        }
        return unbracket(uriHost(hostValue.trim())).toLowerCase(Locale.ROOT);
    }

    /** The host part of a Host value, as a URI host (IPv6 literals in brackets, any port dropped). */
    public static String uriHost(String hostValue) {
        if (hostValue.startsWith("[")) {
            final int end = hostValue.indexOf(']');
            return end > 0 ? hostValue.substring(0, end + 1) : hostValue;
        }
        final int colon = hostValue.indexOf(':');
        if (colon < 0) {
            return hostValue;
        }
        return hostValue.indexOf(':', colon + 1) >= 0 ? '[' + hostValue + ']' : hostValue.substring(0, colon);
    }

    static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
