package dev.fulcrum.rules;

import java.util.List;

/**
 * The request facts a condition may read (spec §6.1), supplied by the router for one request. Subclasses give the raw
 * values; the derived ones (client IP bytes, query arguments, the joined Cookie header) are computed on first use and
 * kept for the other rules of the same request.
 *
 * <p>Thread safety: none. One instance serves one request on one thread, for the duration of the rules stage.
 */
public abstract class RuleInput {

    private byte[] clientIp;
    private boolean clientIpParsed;
    private QueryArgs args;
    private String cookie;

    /** The load balancer's name ({@code cf.load_balancer.name}). */
    protected abstract String loadBalancerName();

    /** The node's region code ({@code cf.load_balancer.region}), or {@code ""} when not configured. */
    protected abstract String region();

    /** The client's IP address as text (IPv4, or IPv6 without brackets), or null when unknown. */
    protected abstract String clientAddress();

    /** The Host the request named, without port ({@code http.host}). */
    protected abstract String host();

    /** The upper-case method. */
    protected abstract String method();

    /** The path as received, not decoded. */
    protected abstract String path();

    /** The raw query without {@code ?}, or null when the request has none. */
    protected abstract String query();

    /** Every value of a request header, in the order received; {@code name} is lower case. Empty when absent. */
    protected abstract List<String> headerValues(String name);

    /** The protocol as the container reports it, e.g. {@code HTTP/1.1} or {@code HTTP/2.0}. */
    protected abstract String protocol();

    /** The request's time in seconds since the epoch ({@code http.request.timestamp.sec}). */
    protected abstract long epochSeconds();

    // ---- derived, cached for the request -----------------------------------------------------------------------

    /** 4 or 16 bytes (IPv4-mapped IPv6 folded to 4), or null when the address is unknown or not an IP literal. */
    final byte[] clientIp() {
        if (!clientIpParsed) {
            clientIpParsed = true;
            final String text = clientAddress();
            clientIp = text == null ? null : IpText.parseClient(text);
        }
        return clientIp;
    }

    final QueryArgs args() {
        if (args == null) {
            args = QueryArgs.parse(query());
        }
        return args;
    }

    /** The whole Cookie header; several Cookie fields (as HTTP/2 sends them) are joined with {@code "; "}. */
    final String cookie() {
        if (cookie == null) {
            final List<String> values = headerValues("cookie");
            cookie = values.isEmpty() ? "" : values.size() == 1 ? values.get(0) : String.join("; ", values);
        }
        return cookie;
    }

    final String uri() {
        final String query = query();
        return query == null ? path() : path() + '?' + query;
    }

    final String queryOrEmpty() {
        final String query = query();
        return query == null ? "" : query;
    }

    final String referer() {
        final List<String> values = headerValues("referer");
        return values.isEmpty() ? "" : values.get(0);
    }

    /** {@code HTTP/1.0}, {@code HTTP/1.1}, {@code HTTP/2} or {@code HTTP/3} (containers say {@code HTTP/2.0}). */
    final String version() {
        final String protocol = protocol();
        if (protocol == null) {
            return "";
        }
        return switch (protocol) {
            case "HTTP/2.0" -> "HTTP/2";
            case "HTTP/3.0" -> "HTTP/3";
            default -> protocol;
        };
    }

    static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
