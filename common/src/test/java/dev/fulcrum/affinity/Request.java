package dev.fulcrum.affinity;

import dev.fulcrum.routing.RequestView;

import java.util.Map;
import java.util.TreeMap;

/** An immutable {@link RequestView} for affinity tests; header names are case-insensitive. */
final class Request implements RequestView {

    private final String host;
    private final String scheme;
    private final String clientAddress;
    private final Map<String, String> headers;

    private Request(String host, String scheme, String clientAddress, Map<String, String> headers) {
        this.host = host;
        this.scheme = scheme;
        this.clientAddress = clientAddress;
        this.headers = headers;
    }

    static Request to(String host) {
        return new Request(host, "http", "192.0.2.10", new TreeMap<>(String.CASE_INSENSITIVE_ORDER));
    }

    Request from(String ip) {
        return new Request(host, scheme, ip, headers);
    }

    Request https() {
        return new Request(host, "https", clientAddress, headers);
    }

    Request header(String name, String value) {
        final Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        copy.put(name, value);
        return new Request(host, scheme, clientAddress, copy);
    }

    Request cookies(String cookieHeader) {
        return header("Cookie", cookieHeader);
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
        return scheme;
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
        throw new AssertionError("affinity reads the Cookie header itself");
    }
}
