package dev.fulcrum.testing;

import dev.fulcrum.request.RequestView;

import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link RequestView} built in tests, for routing without a container: by default a GET of {@code /} over http
 * from 192.0.2.10, with no headers. Immutable: every setter returns a copy. Header names are case-insensitive.
 */
public final class TestRequest implements RequestView {

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

    public static TestRequest to(String host) {
        return new TestRequest(host, "http", "192.0.2.10", null, "GET", "/", null, Map.of());
    }

    public TestRequest from(String ip) {
        return new TestRequest(host, scheme, ip, peerAddress, method, path, query, headers);
    }

    /** The connecting peer, when it is not the client (a proxy in front); unset it is unknown. */
    public TestRequest peer(String ip) {
        return new TestRequest(host, scheme, clientAddress, ip, method, path, query, headers);
    }

    public TestRequest scheme(String newScheme) {
        return new TestRequest(host, newScheme, clientAddress, peerAddress, method, path, query, headers);
    }

    public TestRequest method(String newMethod) {
        return new TestRequest(host, scheme, clientAddress, peerAddress, newMethod, path, query, headers);
    }

    /** Path and optional query, e.g. {@code /a?b=c}. */
    public TestRequest target(String pathAndQuery) {
        final int q = pathAndQuery.indexOf('?');
        return new TestRequest(host, scheme, clientAddress, peerAddress, method, q < 0 ? pathAndQuery
                : pathAndQuery.substring(0, q), q < 0 ? null : pathAndQuery.substring(q + 1), headers);
    }

    public TestRequest header(String name, String value) {
        final TestRequest copy = new TestRequest(host, scheme, clientAddress, peerAddress, method, path, query,
                headers);
        copy.headers.put(name, value);
        return copy;
    }

    /** With this whole {@code Cookie} header, e.g. {@code __cflb=…; other=1} (null: none). */
    public TestRequest cookies(String cookieHeader) {
        return header("Cookie", cookieHeader);
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
        return scheme;
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

    /**
     * Fails the test: the router reads the {@code Cookie} header itself (affinity's {@code __cflb}, the rules'
     * {@code http.cookie}) and never asks a view for one cookie; a call here is a change the tests must notice.
     */
    @Override
    public String cookie(String name) {
        throw new AssertionError("the router reads the Cookie header itself, not cookie(" + name + ")");
    }
}
