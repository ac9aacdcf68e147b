package dev.fulcrum.routing.rules;

/**
 * One entry of an IP set: an address ({@code 198.51.100.7}) or a CIDR range ({@code 203.0.113.0/24}). Host bits
 * set below the prefix are ignored, so {@code 203.0.113.9/24} is the same range. IPv4 ranges never contain IPv6
 * addresses and the other way round.
 */
final class IpRange {

    private final byte[] network;
    private final int prefix;

    IpRange(byte[] address, int prefix) {
        this.network = address.clone();
        this.prefix = prefix;
        for (int bit = prefix; bit < address.length * 8; bit++) {
            network[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
    }

    boolean contains(byte[] address) {
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
