package dev.fulcrum.config.json;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/** The allowed values and text shapes of spec §1–3, §5.3 and §6, in one place. */
final class Syntax {

    static final List<String> STEERING_POLICIES = List.of("off", "geo", "random", "dynamic_latency", "proximity",
            "least_outstanding_requests", "least_connections", "");
    static final List<String> SESSION_AFFINITIES = List.of("none", "cookie", "ip_cookie", "header", "");
    static final List<String> SAMESITE = List.of("Auto", "Lax", "None", "Strict");
    static final List<String> SECURE = List.of("Auto", "Always", "Never");
    static final List<String> ZERO_DOWNTIME_FAILOVER = List.of("none", "temporary", "sticky");
    static final List<String> LOCATION_MODES = List.of("pop", "resolver_ip");
    static final List<String> PREFER_ECS = List.of("always", "never", "proximity", "geo");
    static final List<String> NETWORKS = List.of("cloudflare", "jdcloud");
    static final List<String> DEFAULT_NETWORKS = List.of("cloudflare");
    static final List<String> ORIGIN_STEERING = List.of("random", "hash", "least_outstanding_requests",
            "least_connections");
    static final List<String> SHEDDING_DEFAULT_POLICIES = List.of("random", "hash");
    static final List<String> SHEDDING_SESSION_POLICIES = List.of("hash");
    static final List<String> CHECK_REGIONS = List.of("WNAM", "ENAM", "WEU", "EEU", "NSAM", "SSAM", "OC", "ME",
            "NAF", "SAF", "SAS", "SEAS", "NEAS", "ALL_REGIONS");
    static final List<String> MONITOR_TYPES = List.of("http", "https", "tcp", "udp_icmp", "icmp_ping", "smtp");
    static final List<String> HTTP_METHODS = List.of("GET", "HEAD");
    static final List<String> TCP_METHODS = List.of("connection_established");

    static final int DESCRIPTION_MAX = 1024;
    static final int RULE_NAME_MAX = 200;
    // The rules language compiler's own cap, so a stored condition always fits what the router compiles.
    static final int CONDITION_MAX = dev.fulcrum.rules.Condition.MAX_LENGTH;
    static final int CONTENT_TYPE_MAX = 32;
    static final int LOCATION_MAX = 2048;
    static final int MESSAGE_BODY_MAX = 1024;
    static final int MAX_ORIGINS = 1000;
    static final int MAX_AFFINITY_HEADERS = 100;
    static final int MAX_PATH = 2048;
    static final int MAX_TEXT = 1024;
    /**
     * Ours: Cloudflare documents the pattern of a pool name but no length, and none for an origin's name. Names are
     * tags in metrics, logs and the dashboard, so they stay short.
     */
    static final int NAME_MAX = 255;
    /** Ours, as Cloudflare's 1,000 pool sets per load balancer. */
    static final int MAX_RULES = 1000;
    /** Ours: request headers a monitor sends. */
    static final int MAX_MONITOR_HEADERS = 100;

    static final BigDecimal ZERO = BigDecimal.ZERO;
    static final BigDecimal ONE = BigDecimal.ONE;
    static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    static final BigDecimal TENTH = new BigDecimal("0.1");
    static final BigDecimal HUNDREDTH = new BigDecimal("0.01");

    private static final Pattern POOL_NAME = Pattern.compile("[-_a-zA-Z0-9]+");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern AFFINITY_HEADER = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern POP = Pattern.compile("[A-Z]{3}");
    private static final Pattern EXPECTED_CODE = Pattern.compile("[1-5](\\d\\d|xx)");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern IP_FUTURE = Pattern.compile("[vV][0-9A-Fa-f]+\\.[A-Za-z0-9._~!$&'()*+,;=:-]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[^@\\s,]+");

    private Syntax() {
    }

    static boolean poolName(String s) {
        return POOL_NAME.matcher(s).matches();
    }

    /** A DNS hostname: dot-separated labels of letters, digits, '-' and '_', at most 253 characters. */
    static boolean hostname(String s) {
        if (s.isEmpty() || s.length() > 253 || s.endsWith(".")) {
            return false;
        }
        for (final String label : s.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** An origin address: IPv4, IPv6 (without brackets) or a hostname. */
    static boolean address(String s) {
        return ipv4(s) || ipv6(s) || (hostname(s) && !allDigitsAndDots(s));
    }

    private static boolean allDigitsAndDots(String s) {
        return s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    static boolean ipv4(String s) {
        return IPV4.matcher(s).matches();
    }

    /** IPv6 text form (RFC 4291 §2.2), including '::' compression and an embedded IPv4 tail; no zone id. */
    static boolean ipv6(String s) {
        if (s.indexOf(':') < 0) {
            return false;
        }
        String body = s;
        int groupsBudget = 8;
        final int lastColon = s.lastIndexOf(':');
        final String tail = s.substring(lastColon + 1);
        if (tail.indexOf('.') >= 0) {
            if (!ipv4(tail)) {
                return false;
            }
            body = s.substring(0, lastColon + 1) + "0";
            groupsBudget = 7;
        }
        final int dbl = body.indexOf("::");
        if (dbl >= 0 && body.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        if (dbl < 0) {
            return groups(body) == groupsBudget;
        }
        final String left = body.substring(0, dbl);
        final String right = body.substring(dbl + 2);
        final int l = left.isEmpty() ? 0 : groups(left);
        final int r = right.isEmpty() ? 0 : groups(right);
        return l >= 0 && r >= 0 && l + r < groupsBudget;
    }

    /** Number of valid hex groups separated by single colons, or -1. */
    private static int groups(String s) {
        final String[] parts = s.split(":", -1);
        for (final String p : parts) {
            if (!HEX_GROUP.matcher(p).matches()) {
                return -1;
            }
        }
        return parts.length;
    }

    /**
     * A {@code Host} header value as RFC 9110 §7.2 defines it: an RFC 3986 host, then an optional {@code :port}
     * (1-65535). The host is an IP-literal in brackets (IPv6, or IPvFuture {@code v<hex>.<chars>}), an IPv4 address,
     * or a reg-name of unreserved characters, percent escapes and sub-delims, at most 253 characters (a DNS name's
     * limit). Nothing else: no spaces, no quotes or angle brackets, no characters beyond ASCII (an
     * internationalised name goes in its {@code xn--} form).
     */
    static boolean hostHeader(String s) {
        if (s.startsWith("[")) {
            final int close = s.indexOf(']');
            if (close < 0 || !ipLiteral(s.substring(1, close))) {
                return false;
            }
            return close + 1 == s.length() || s.charAt(close + 1) == ':' && port(s.substring(close + 2));
        }
        final int colon = s.lastIndexOf(':');
        return colon < 0 ? regName(s) : port(s.substring(colon + 1)) && regName(s.substring(0, colon));
    }

    private static boolean ipLiteral(String s) {
        if (s.length() > 1 && (s.charAt(0) == 'v' || s.charAt(0) == 'V')) {
            return IP_FUTURE.matcher(s).matches();
        }
        return ipv6(s);
    }

    /** RFC 3986 reg-name (IPv4 addresses are reg-names too), not empty. */
    private static boolean regName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (!(c < 128 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=".indexOf(c) >= 0))) {
                return false;
            }
        }
        return true;
    }

    private static boolean port(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        final int port = Integer.parseInt(s);
        return port >= 1 && port <= 65535;
    }

    static boolean country(String s) {
        return COUNTRY.matcher(s).matches();
    }

    static boolean pop(String s) {
        return POP.matcher(s).matches();
    }

    static boolean uuid(String s) {
        return UUID.matcher(s).matches();
    }

    /** An HTTP header name (RFC 9110 token). */
    static boolean headerName(String s) {
        return TOKEN.matcher(s).matches();
    }

    /** A header value: no control characters except horizontal tab. */
    static boolean headerValue(String s) {
        return s.length() <= MAX_TEXT && s.chars().noneMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f);
    }

    /**
     * A session-affinity header entry (spec §5.3): a header name of 1–100 characters {@code [A-Za-z0-9_-]}, or the
     * special {@code cookie} / {@code cookie:<n1>,<n2>} entries, which the name pattern would otherwise forbid.
     */
    static boolean affinityHeader(String s) {
        if (s.startsWith("cookie:")) {
            final String names = s.substring("cookie:".length());
            if (names.isEmpty() || s.length() > MAX_TEXT) {
                return false;
            }
            for (final String name : names.split(",", -1)) {
                if (!COOKIE_NAME.matcher(name).matches()) {
                    return false;
                }
            }
            return true;
        }
        return AFFINITY_HEADER.matcher(s).matches();
    }

    /** {@code 200}, {@code 2xx}, or a comma list of those (spaces around commas allowed). */
    static boolean expectedCodes(String s) {
        if (s.isBlank()) {
            return false;
        }
        for (final String part : s.split(",", -1)) {
            if (!EXPECTED_CODE.matcher(part.trim()).matches()) {
                return false;
            }
        }
        return true;
    }

    /** An absolute path for a probe, starting with '/', without whitespace or control characters. */
    static boolean probePath(String s) {
        return s.startsWith("/") && s.length() <= MAX_PATH && s.chars().noneMatch(c -> c <= 0x20 || c == 0x7f);
    }

    /** A comma-separated list of e-mail addresses, or empty. */
    static boolean emailList(String s) {
        if (s.isEmpty()) {
            return true;
        }
        if (s.length() > MAX_TEXT) {
            return false;
        }
        for (final String part : s.split(",", -1)) {
            if (!EMAIL.matcher(part.trim()).matches()) {
                return false;
            }
        }
        return true;
    }
}
