package dev.fulcrum.rules;

/**
 * One entry of an IP set: an address ({@code 198.51.100.7}) or a CIDR range ({@code 203.0.113.0/24}). Host bits
 * set below the prefix are ignored, so {@code 203.0.113.9/24} is the same range. IPv4 ranges never contain IPv6
 * addresses and the other way round. Public for the router's trusted-proxy list ({@code routing.TrustedProxies}).
 */
public final class IpRange {

    private final byte[] network;
    private final int prefix;

    /**
     * An address or CIDR range written on its own ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code 2001:db8::/32}),
     * or null when the text is neither.
     */
    public static IpRange parse(String text) {
        final int slash = text.indexOf('/');
        final byte[] address = IpText.parse(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            return null;
        }
        if (slash < 0) {
            return new IpRange(address, address.length * 8);
        }
        final String bits = text.substring(slash + 1);
        if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        final int prefix = Integer.parseInt(bits);
        return prefix > address.length * 8 ? null : new IpRange(address, prefix);
    }

    IpRange(byte[] address, int prefix) {
        this.network = address.clone();
        this.prefix = prefix;
        for (int bit = prefix; bit < address.length * 8; bit++) {
            network[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
    }

    /** Whether the 4 or 16 bytes of {@link IpText#parse} lie in this range. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        final int whole = prefix >>> 3;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        final int rest = prefix & 7;
        if (rest == 0) {
            return true;
        }
        final int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (network[whole] & 0xff);
    }
}
