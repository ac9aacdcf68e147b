package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one probe of one origin needs, resolved once from (monitor, pool, origin) per spec §3.1. Two equal
 * targets probe the same way, which is how a configuration change recognises an unchanged pair.
 *
 * @param host        http/https: the Host header value and, for https, the TLS SNI and verified name
 * @param headers     http/https: monitor headers to send, without Host and User-Agent
 * @param configError non-null when the monitor cannot be probed as configured: every attempt then fails with
 *                    {@link FailureReason#MONITOR_CONFIG_ERROR} and this text is logged once
 */
record ProbeTarget(String type, String poolId, String address, int port, String host, String method, String path,
                   Map<String, List<String>> headers, ExpectedCodes expectedCodes, String expectedBody,
                   boolean followRedirects, boolean allowInsecure, Duration timeout, int retries,
                   String configError) {

    static final String HTTP = "http";
    static final String HTTPS = "https";
    static final String TCP = "tcp";
    static final String SMTP = "smtp";
    static final String ICMP_PING = "icmp_ping";
    static final String UDP_ICMP = "udp_icmp";

    private static final int SMTP_PORT = 25;
    private static final int DEFAULT_TIMEOUT_SECONDS = 5;
    private static final String USER_AGENT_PREFIX = "Mozilla/5.0 (compatible; Cloudflare-Traffic-Manager/1.0; "
            + "+https://www.cloudflare.com/traffic-manager/; pool-id: ";

    ProbeTarget {
        headers = Map.copyOf(headers);
    }

    /** Resolves the probe of {@code origin} in pool {@code poolId} by {@code monitor}. */
    static ProbeTarget of(Monitor monitor, String poolId, Origin origin) {
        final String type = monitor.type() == null || monitor.type().isBlank() ? HTTP : monitor.type();
        final Duration timeout = Duration.ofSeconds(monitor.timeout() > 0 ? monitor.timeout()
                : DEFAULT_TIMEOUT_SECONDS);
        final int retries = Math.max(0, monitor.retries());
        final int port = monitor.port() != 0 ? monitor.port() : origin.port();
        String error = null;
        ExpectedCodes codes = null;
        String host = null;
        String method = null;
        String path = null;
        String body = null;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        int effectivePort = port;
        switch (type) {
            case HTTP, HTTPS -> {
                effectivePort = port != 0 ? port : (HTTPS.equals(type) ? 443 : 80);
                method = monitor.method() == null || monitor.method().isBlank() ? "GET"
                        : monitor.method().toUpperCase(Locale.ROOT);
                path = monitor.path() == null || monitor.path().isEmpty() ? "/" : monitor.path();
                if (!path.startsWith("/")) {
                    error = "path: \"" + path + "\" (expected: starts with /)";
                }
                try {
                    codes = ExpectedCodes.parse(monitor.expectedCodes());
                } catch (IllegalArgumentException e) {
                    error = e.getMessage();
                }
                body = monitor.expectedBody() == null || monitor.expectedBody().isEmpty() ? null
                        : monitor.expectedBody();
                String monitorHost = null;
                for (final Map.Entry<String, List<String>> header : monitor.header().entrySet()) {
                    if ("Host".equalsIgnoreCase(header.getKey())) {
                        monitorHost = header.getValue().isEmpty() ? null : header.getValue().get(0);
                    } else if (!"User-Agent".equalsIgnoreCase(header.getKey())) {
                        headers.put(header.getKey(), List.copyOf(header.getValue()));
                    }
                }
                host = origin.hostOverride() != null ? origin.hostOverride()
                        : monitorHost != null ? monitorHost : hostLiteral(origin.address());
            }
            case TCP, UDP_ICMP -> {
                if (port == 0) {
                    error = "port: 0 (expected: a port on the " + type + " monitor or the origin)";
                }
            }
            case SMTP -> effectivePort = port != 0 ? port : SMTP_PORT;
            case ICMP_PING -> effectivePort = 0;
            default -> error = "type: \"" + type + "\" (expected: http, https, tcp, udp_icmp, icmp_ping, smtp)";
        }
        if (effectivePort < 0 || effectivePort > 65535) {
            error = "port: " + effectivePort + " (expected: 0-65535)";
        }
        return new ProbeTarget(type, poolId, origin.address(), effectivePort, host, method, path, headers, codes,
                body, monitor.followRedirects(), monitor.allowInsecure(), timeout, retries, error);
    }

    /** The fixed User-Agent of Cloudflare's probes, naming the first 16 characters of the pool id. */
    String userAgent() {
        return USER_AGENT_PREFIX + poolId.substring(0, Math.min(16, poolId.length())) + ')';
    }

    boolean isHttp() {
        return HTTP.equals(type) || HTTPS.equals(type);
    }

    /** An address as it appears in a Host header or URI: IPv6 literals get brackets. */
    static String hostLiteral(String address) {
        return address.indexOf(':') >= 0 && !address.startsWith("[") ? '[' + address + ']' : address;
    }
}
