package dev.fulcrum.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link RuleInput} built in tests; each setter returns this. Header names are stored lower case. */
final class FakeInput extends RuleInput {

    private String lbName = "www.example.com";
    private String region = "WEU";
    private String clientAddress = "198.51.100.7";
    private String host = "www.example.com";
    private String method = "GET";
    private String path = "/";
    private String query;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private String protocol = "HTTP/1.1";
    private long epochSeconds = 1_767_225_600L; // 2026-01-01T00:00:00Z
    int headerReads;

    FakeInput lb(String name, String nodeRegion) {
        this.lbName = name;
        this.region = nodeRegion;
        return this;
    }

    FakeInput client(String address) {
        this.clientAddress = address;
        return this;
    }

    FakeInput host(String value) {
        this.host = value;
        return this;
    }

    FakeInput method(String value) {
        this.method = value;
        return this;
    }

    FakeInput path(String value) {
        this.path = value;
        return this;
    }

    FakeInput query(String value) {
        this.query = value;
        return this;
    }

    FakeInput header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
        return this;
    }

    FakeInput protocol(String value) {
        this.protocol = value;
        return this;
    }

    FakeInput at(long seconds) {
        this.epochSeconds = seconds;
        return this;
    }

    @Override
    protected String loadBalancerName() {
        return lbName;
    }

    @Override
    protected String region() {
        return region;
    }

    @Override
    protected String clientAddress() {
        return clientAddress;
    }

    @Override
    protected String host() {
        return host;
    }

    @Override
    protected String method() {
        return method;
    }

    @Override
    protected String path() {
        return path;
    }

    @Override
    protected String query() {
        return query;
    }

    @Override
    protected List<String> headerValues(String name) {
        headerReads++;
        return headers.getOrDefault(name, List.of());
    }

    @Override
    protected String protocol() {
        return protocol;
    }

    @Override
    protected long epochSeconds() {
        return epochSeconds;
    }
}
