package dev.fulcrum.request;

import java.util.List;

/**
 * The container-neutral view of one client request that the router decides on. Wrappers adapt their own request
 * type to it (see {@code servlet.ServletRequestView}); it is read only during {@code routing.Router.route}. The static
 * helpers keep the adapters' parsing identical.
 */
public interface RequestView {

    /** The Host header without port, as sent (the router compares case-insensitively). */
    String host();

    /**
     * The Host the client sent as it sent it (with a port, if any), which goes to the origin unless the origin
     * overrides it: the {@code Host} header, else HTTP/2's {@code :authority} (which replaces it there; RFC 9113
     * §8.3.1), else {@link #host()}. The default reads the header only; adapters of containers that keep
     * {@code :authority} apart from the headers override it.
     */
    default String authority() {
        final String sent = header("Host");
        return sent != null ? sent : host();
    }

    /** Upper-case method, e.g. {@code GET}. */
    String method();

    /** The path as received, never null (at least {@code /}). */
    String path();

    /** The raw query string without {@code ?}, or null. */
    String query();

    /** {@code http} or {@code https}, as used by the client. */
    String scheme();

    /**
     * The client's IP address (no port) that everything client-based uses: {@code CF-Connecting-IP}, {@code hash}
     * steering and shedding, {@code ip_cookie} and {@code ip.src}. The connecting peer's, unless the client was
     * derived behind a trusted proxy (by the container, e.g. Tomcat's {@code RemoteIpValve}, or by the wrapper with
     * {@code routing.TrustedProxies}).
     */
    String clientAddress();

    /**
     * The connecting peer's IP address (no port), which {@code X-Forwarded-For} toward the origin ends with; null
     * when the wrapper cannot tell it apart from {@link #clientAddress()} (the servlet API reports one address,
     * which the container's forwarded-header support may have replaced). The default: null.
     */
    default String peerAddress() {
        return null;
    }

    /** The first value of a request header (case-insensitive name), or null. */
    String header(String name);

    /** The value of a request cookie, or null. */
    String cookie(String name);

    /**
     * Every value of a request header in the order received (case-insensitive name), empty when absent; read by
     * rule conditions ({@code http.request.headers}, {@code http.cookie}). The default sees only the first value:
     * adapters whose container keeps repeated headers apart should override it.
     */
    default List<String> headers(String name) {
        final String value = header(name);
        return value == null ? List.of() : List.of(value);
    }

    /**
     * The protocol the client spoke, as the container names it ({@code HTTP/1.1}, {@code HTTP/2.0}, …), for the
     * rule field {@code http.request.version}. The default, for adapters that cannot tell, is {@code HTTP/1.1}.
     */
    default String protocol() {
        return "HTTP/1.1";
    }

    /**
     * The host name of a {@code Host} header value without its port; an IPv6 literal keeps its brackets.
     *
     * @return the value as is when it has no port, or null when {@code hostHeader} is null
     */
    static String hostWithoutPort(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        if (hostHeader.startsWith("[")) {
            final int end = hostHeader.indexOf(']');
            return end < 0 ? hostHeader : hostHeader.substring(0, end + 1);
        }
        final int colon = hostHeader.indexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

    /** A peer address without the brackets some containers put around IPv6 literals. */
    static String bareAddress(String address) {
        if (address != null && address.length() > 1 && address.startsWith("[") && address.endsWith("]")) {
            return address.substring(1, address.length() - 1);
        }
        return address;
    }
}
