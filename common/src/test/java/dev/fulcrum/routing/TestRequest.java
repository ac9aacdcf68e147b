package dev.fulcrum.routing;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A {@link RequestView} built in tests; header names are case-insensitive. */
final class TestRequest implements RequestView {

    private final String host;
    private final String scheme;
    private final String clientAddress;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private TestRequest(String host, String scheme, String clientAddress) {
        this.host = host;
        this.scheme = scheme;
        this.clientAddress = clientAddress;
    }

    static TestRequest to(String host) {
        return new TestRequest(host, "http", "192.0.2.10");
    }

    TestRequest from(String ip) {
        final TestRequest copy = new TestRequest(host, scheme, ip);
        copy.headers.putAll(headers);
        return copy;
    }

    TestRequest scheme(String newScheme) {
        final TestRequest copy = new TestRequest(host, newScheme, clientAddress);
        copy.headers.putAll(headers);
        return copy;
    }

    TestRequest header(String name, String value) {
        final TestRequest copy = new TestRequest(host, scheme, clientAddress);
        copy.headers.putAll(headers);
        copy.headers.put(name, value);
        return copy;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return "/";
    }

    @Override
    public String query() {
        return null;
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
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public String cookie(String name) {
        return null;
    }
}
