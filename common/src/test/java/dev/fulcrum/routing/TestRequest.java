package dev.fulcrum.routing;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A {@link RequestView} built in tests; header names are case-insensitive. Every setter returns a copy. */
final class TestRequest implements RequestView {

    private final String host;
    private final String scheme;
    private final String clientAddress;
    private final String peerAddress;
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private TestRequest(String host, String scheme, String clientAddress, String peerAddress, String method,
                        String path, String query, Map<String, String> headers) {
        this.host = host;
        this.scheme = scheme;
        this.clientAddress = clientAddress;
        this.peerAddress = peerAddress;
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers.putAll(headers);
    }

    static TestRequest to(String host) {
        return new TestRequest(host, "http", "192.0.2.10", null, "GET", "/", null, Map.of());
    }

    TestRequest from(String ip) {
        return new TestRequest(host, scheme, ip, peerAddress, method, path, query, headers);
    }

    /** The connecting peer, when it is not the client (a proxy in front); unset it is unknown. */
    TestRequest peer(String ip) {
        return new TestRequest(host, scheme, clientAddress, ip, method, path, query, headers);
    }

    TestRequest scheme(String newScheme) {
        return new TestRequest(host, newScheme, clientAddress, peerAddress, method, path, query, headers);
    }

    TestRequest method(String newMethod) {
        return new TestRequest(host, scheme, clientAddress, peerAddress, newMethod, path, query, headers);
    }

    /** Path and optional query, e.g. {@code /a?b=c}. */
    TestRequest target(String pathAndQuery) {
        final int q = pathAndQuery.indexOf('?');
        return new TestRequest(host, scheme, clientAddress, peerAddress, method, q < 0 ? pathAndQuery
                : pathAndQuery.substring(0, q), q < 0 ? null : pathAndQuery.substring(q + 1), headers);
    }

    TestRequest header(String name, String value) {
        final TestRequest copy = new TestRequest(host, scheme, clientAddress, peerAddress, method, path, query,
                headers);
        copy.headers.put(name, value);
        return copy;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String scheme() {
        return scheme.toLowerCase(Locale.ROOT);
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public String peerAddress() {
        return peerAddress;
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public String cookie(String name) {
        return null;
    }
}
