package dev.fulcrum.routing;

/**
 * The container-neutral view of one client request that the router decides on. Wrappers adapt their own request
 * type to it (see {@code servlet.ServletRequestView}); it is read only during {@link Router#route}.
 */
public interface RequestView {

    /** The Host header without port, as sent (the router compares case-insensitively). */
    String host();

    /** Upper-case method, e.g. {@code GET}. */
    String method();

    /** The path as received, never null (at least {@code /}). */
    String path();

    /** The raw query string without {@code ?}, or null. */
    String query();

    /** {@code http} or {@code https}, as used by the client. */
    String scheme();

    /** The connecting peer's IP address (no port). */
    String clientAddress();

    /** The first value of a request header (case-insensitive name), or null. */
    String header(String name);

    /** The value of a request cookie, or null. */
    String cookie(String name);
}
