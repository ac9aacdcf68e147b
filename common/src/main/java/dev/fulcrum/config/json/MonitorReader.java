package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.Monitor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads a monitor body (spec §3) into a {@link Monitor} with every default applied. */
final class MonitorReader {

    private static final List<String> PORT_REQUIRED = List.of("tcp", "udp_icmp", "smtp");

    private MonitorReader() {
    }

    static Monitor read(JsonNode body, ConfigJson.Meta meta) {
        final Problems problems = new Problems();
        final Fields f = Fields.root(body, problems);

        final String type = f.choice("type", "http", Syntax.MONITOR_TYPES);
        final boolean http = "http".equals(type) || "https".equals(type);
        final String method;
        if (http) {
            method = f.choice("method", "GET", Syntax.HTTP_METHODS);
        } else if ("tcp".equals(type)) {
            method = f.choice("method", "connection_established", Syntax.TCP_METHODS);
        } else {
            // No method applies to icmp_ping, udp_icmp or smtp; an empty one is stored.
            method = f.choice("method", "", List.of(""));
        }
        final String path = f.string("path", "/", "an absolute path starting with / without spaces",
                Syntax::probePath);
        final Map<String, List<String>> header = header(f);
        final Integer givenPort = f.optionalInteger("port", 0, 65535);
        final int port = givenPort == null ? 0 : givenPort;
        // A refused port was reported already; only a missing or zero one is reported here.
        if (port == 0 && PORT_REQUIRED.contains(type) && (givenPort != null || !f.has("port"))) {
            f.refuse(f.path("port"), (givenPort == null ? "missing" : "0") + " (expected: a port 1-65535 for type "
                    + type + ")");
        }
        final int timeout = f.integer("timeout", 5, 1, 10);
        final int retries = f.integer("retries", 2, 0, 5);
        final int interval = f.integer("interval", 60, 1, 3600);
        if (interval <= (retries + 1) * timeout) {
            f.refuse(f.path("interval"), interval + " (expected: more than (retries + 1) * timeout = "
                    + (retries + 1) * timeout + ")");
        }
        final String expectedCodes = f.string("expected_codes", http ? "200" : "",
                "a status code (200), a class (2xx) or a comma-separated list of them",
                s -> (!http && s.isEmpty()) || Syntax.expectedCodes(s));
        final String expectedBody = f.string("expected_body", "", Syntax.MAX_TEXT);
        final boolean followRedirects = f.bool("follow_redirects", false);
        final boolean allowInsecure = f.bool("allow_insecure", false);
        final int consecutiveUp = f.integer("consecutive_up", 0, 0, Integer.MAX_VALUE);
        final int consecutiveDown = f.integer("consecutive_down", 0, 0, Integer.MAX_VALUE);
        final String probeZone = f.string("probe_zone", "", "a zone name (hostname) or \"\"",
                s -> s.isEmpty() || Syntax.hostname(s));
        final String description = f.string("description", "", Syntax.DESCRIPTION_MAX);

        problems.throwIfAny();
        return new Monitor(meta.id(), meta.ownerId(), meta.createdOn(), meta.modifiedOn(), type, method, path,
                header, port, timeout, retries, interval, expectedCodes, expectedBody, followRedirects,
                allowInsecure, consecutiveUp, consecutiveDown, probeZone, description);
    }

    /** Request headers for http/https probes: name → 1 or more values; {@code User-Agent} is fixed (spec §3.1). */
    private static Map<String, List<String>> header(Fields f) {
        final Map<String, JsonNode> entries = f.entries("header");
        if (entries == null) {
            return Map.of();
        }
        if (entries.size() > Syntax.MAX_MONITOR_HEADERS) {
            f.refuse(f.path("header"), entries.size() + " headers (expected: at most " + Syntax.MAX_MONITOR_HEADERS
                    + ")");
            return Map.of();
        }
        final Map<String, List<String>> out = new LinkedHashMap<>();
        final Set<String> seen = new HashSet<>();
        entries.forEach((name, value) -> {
            final String path = f.path("header") + "." + name;
            if (!Syntax.headerName(name)) {
                f.refuse(path, "key \"" + name + "\" (expected: an HTTP header name)");
                return;
            }
            if ("user-agent".equalsIgnoreCase(name)) {
                f.refuse(path, "User-Agent cannot be set (it is fixed by the monitor)");
                return;
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                f.refuse(path, "repeated header name (expected: each header once, ignoring case)");
                return;
            }
            final boolean host = "host".equalsIgnoreCase(name);
            if (!value.isArray() || value.isEmpty() || (host && value.size() != 1)) {
                f.refuse(path, value, host ? "a list of exactly one host name" : "a list of 1 or more strings");
                return;
            }
            final List<JsonNode> items = new ArrayList<>();
            value.forEach(items::add);
            final int before = f.problems().count();
            final List<String> values = f.strings(path, items, "a header value without control characters",
                    Syntax::headerValue, false);
            if (f.problems().count() == before) {
                out.put(name, values);
            }
        });
        return out;
    }
}
