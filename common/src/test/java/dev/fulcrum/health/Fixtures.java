package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Configuration records for health tests, with Cloudflare's defaults and short test timings. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String ACCOUNT = "0123456789abcdef0123456789abcdef";

    private Fixtures() {
    }

    /** A monitor with 1 s interval, 1 s timeout, no retries, thresholds 1. */
    static Monitor monitor(String id, String type) {
        return new Monitor(id, ACCOUNT, T0, T0, type, "GET", "/health", Map.of(), 0, 1, 0, 1, "2xx", "", false,
                false, 0, 0, "", "");
    }

    static Monitor withPath(Monitor m, String path) {
        return new Monitor(m.id(), m.accountId(), m.createdOn(), m.modifiedOn(), m.type(), m.method(), path,
                m.header(), m.port(), m.timeout(), m.retries(), m.interval(), m.expectedCodes(), m.expectedBody(),
                m.followRedirects(), m.allowInsecure(), m.consecutiveUp(), m.consecutiveDown(), m.probeZone(),
                m.description());
    }

    static Monitor withCodes(Monitor m, String codes, String body) {
        return new Monitor(m.id(), m.accountId(), m.createdOn(), m.modifiedOn(), m.type(), m.method(), m.path(),
                m.header(), m.port(), m.timeout(), m.retries(), m.interval(), codes, body, m.followRedirects(),
                m.allowInsecure(), m.consecutiveUp(), m.consecutiveDown(), m.probeZone(), m.description());
    }

    static Monitor withFlags(Monitor m, boolean followRedirects, boolean allowInsecure) {
        return new Monitor(m.id(), m.accountId(), m.createdOn(), m.modifiedOn(), m.type(), m.method(), m.path(),
                m.header(), m.port(), m.timeout(), m.retries(), m.interval(), m.expectedCodes(), m.expectedBody(),
                followRedirects, allowInsecure, m.consecutiveUp(), m.consecutiveDown(), m.probeZone(),
                m.description());
    }

    static Monitor withThresholds(Monitor m, int up, int down) {
        return new Monitor(m.id(), m.accountId(), m.createdOn(), m.modifiedOn(), m.type(), m.method(), m.path(),
                m.header(), m.port(), m.timeout(), m.retries(), m.interval(), m.expectedCodes(), m.expectedBody(),
                m.followRedirects(), m.allowInsecure(), up, down, m.probeZone(), m.description());
    }

    static Monitor withTiming(Monitor m, int timeout, int retries, int interval) {
        return new Monitor(m.id(), m.accountId(), m.createdOn(), m.modifiedOn(), m.type(), m.method(), m.path(),
                m.header(), m.port(), timeout, retries, interval, m.expectedCodes(), m.expectedBody(),
                m.followRedirects(), m.allowInsecure(), m.consecutiveUp(), m.consecutiveDown(), m.probeZone(),
                m.description());
    }

    static Monitor withHeaderAndPort(Monitor m, Map<String, List<String>> header, int port) {
        return new Monitor(m.id(), m.accountId(), m.createdOn(), m.modifiedOn(), m.type(), m.method(), m.path(),
                header, port, m.timeout(), m.retries(), m.interval(), m.expectedCodes(), m.expectedBody(),
                m.followRedirects(), m.allowInsecure(), m.consecutiveUp(), m.consecutiveDown(), m.probeZone(),
                m.description());
    }

    static Monitor withDescription(Monitor m, String description) {
        return new Monitor(m.id(), m.accountId(), m.createdOn(), T0.plusSeconds(60), m.type(), m.method(), m.path(),
                m.header(), m.port(), m.timeout(), m.retries(), m.interval(), m.expectedCodes(), m.expectedBody(),
                m.followRedirects(), m.allowInsecure(), m.consecutiveUp(), m.consecutiveDown(), m.probeZone(),
                description);
    }

    static Origin origin(String name, String address, int port) {
        return new Origin(name, address, port, true, 1, Map.of(), null, null);
    }

    static Origin withHost(Origin o, String host) {
        return new Origin(o.name(), o.address(), o.port(), o.enabled(), o.weight(), Map.of("Host", List.of(host)),
                o.virtualNetworkId(), o.disabledAt());
    }

    static Origin disabled(Origin o) {
        return new Origin(o.name(), o.address(), o.port(), false, o.weight(), o.header(), o.virtualNetworkId(), T0);
    }

    static Pool pool(String id, String name, String monitorId, int minimumOrigins, Origin... origins) {
        return new Pool(id, ACCOUNT, T0, T0, null, name, "", true, minimumOrigins, monitorId, null,
                List.of(origins), "random", null, null, null, null, "", null, null);
    }

    static Pool disabled(Pool p) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), T0, p.name(), p.description(), false,
                p.minimumOrigins(), p.monitor(), p.monitorGroup(), p.origins(), p.originSteering(),
                p.loadShedding(), p.latitude(), p.longitude(), p.checkRegions(), p.notificationEmail(),
                p.notificationFilter(), p.networks());
    }

    static Pool renamed(Pool p, String name) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), T0.plusSeconds(60), p.disabledAt(), name,
                p.description(), p.enabled(), p.minimumOrigins(), p.monitor(), p.monitorGroup(), p.origins(),
                p.originSteering(), p.loadShedding(), p.latitude(), p.longitude(), p.checkRegions(),
                p.notificationEmail(), p.notificationFilter(), p.networks());
    }

    static ConfigSnapshot config(long revision, List<Monitor> monitors, Pool... pools) {
        return new ConfigSnapshot(revision, Map.of(), Map.of(),
                monitors.stream().collect(Collectors.toMap(Monitor::id, Function.identity())),
                Arrays.stream(pools).collect(Collectors.toMap(Pool::id, Function.identity())), Map.of());
    }

    /** A 32-hex id whose every character is {@code c}. */
    static String id(char c) {
        return String.valueOf(c).repeat(32);
    }
}
