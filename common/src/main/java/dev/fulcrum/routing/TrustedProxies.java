package dev.fulcrum.routing;

import dev.fulcrum.rules.IpRange;
import dev.fulcrum.rules.IpText;

import java.util.ArrayList;
import java.util.List;

/**
 * The proxies in front of this node whose {@code X-Forwarded-For} is believed (an ALB, nginx, a CDN's egress
 * ranges), and the client a request stands for: used by wrappers whose container has no restricted mechanism of its
 * own (Jetty's {@code ForwardedRequestCustomizer} believes every peer and takes the leftmost entry, which any client
 * can forge; Tomcat's {@code RemoteIpValve} is restricted and needs nothing from here).
 *
 * <p>The client is found from the right: a request from an untrusted peer is that peer's, whatever headers it sent.
 * From a trusted peer, each chain entry from the right is the hop before; the first one that is not a trusted proxy
 * is the client. Entries left of it were written by parties nobody vouches for and are never read. A malformed entry
 * (not an IP literal, e.g. {@code unknown}) stops the walk: the client is the trusted hop that reported it, the
 * nearest address known. When every entry is trusted, the leftmost one is the client.
 *
 * <p>Immutable and thread-safe; {@link #clientOf} allocates only the client's text.
 */
public final class TrustedProxies {

    /** Trusts nobody: the connecting peer is always the client. */
    public static final TrustedProxies NONE = new TrustedProxies(new IpRange[0], "");

    private static final String EXPECTED = "a comma-separated list of IP addresses and CIDR ranges, e.g. "
            + "10.0.0.0/8, 192.0.2.7, 2001:db8::/32";

    private final IpRange[] ranges;
    private final String text;

    private TrustedProxies(IpRange[] ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    /**
     * Reads a list of addresses and CIDR ranges separated by commas and/or spaces; blank or null means
     * {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the entry that is no address or range, and the expectation
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        final List<IpRange> ranges = new ArrayList<>();
        final List<String> entries = new ArrayList<>();
        for (String entry : list.strip().split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            final IpRange range = IpRange.parse(entry);
            if (range == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range (expected: "
                        + EXPECTED + ")");
            }
            ranges.add(range);
            entries.add(entry);
        }
        return ranges.isEmpty() ? NONE : new TrustedProxies(ranges.toArray(new IpRange[0]), String.join(",", entries));
    }

    /** True when no proxy is trusted. */
    public boolean isEmpty() {
        return ranges.length == 0;
    }

    /** Whether {@code address} (an IP literal; brackets and zone allowed) is one of the trusted proxies. */
    public boolean trusts(String address) {
        return ranges.length > 0 && address != null && contains(IpText.parseClient(address));
    }

    private boolean contains(byte[] ip) {
        if (ip == null) {
            return false;
        }
        for (IpRange range : ranges) {
            if (range.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client a request stands for.
     *
     * @param peerAddress  the connecting peer's IP, as the connection reports it (may be null when unknown)
     * @param forwardedFor the request's {@code X-Forwarded-For} values in the order received (several fields are
     *                     one list)
     * @return {@code peerAddress} unless it is trusted; else the rightmost entry that is not trusted (see above)
     */
    public String clientOf(String peerAddress, List<String> forwardedFor) {
        if (!trusts(peerAddress)) {
            return peerAddress;
        }
        String client = peerAddress;
        for (int v = forwardedFor.size() - 1; v >= 0; v--) {
            final String value = forwardedFor.get(v);
            int end = value.length();
            while (end >= 0) {
                final int comma = value.lastIndexOf(',', end - 1);
                final String entry = value.substring(comma + 1, end);
                end = comma;
                if (entry.isBlank()) {
                    continue;
                }
                final String address = ForwardHeaders.entryAddress(entry);
                final byte[] ip = IpText.parseClient(address);
                if (ip == null) {
                    return client;
                }
                client = address;
                if (!contains(ip)) {
                    return client;
                }
            }
        }
        return client;
    }

    /** The list as configured (entries joined by commas), empty for {@link #NONE}. */
    @Override
    public String toString() {
        return text;
    }
}
