package dev.fulcrum.request;

/**
 * Allocation-free 64-bit hashing for client addresses and origin identities, shared by {@code hash} origin steering
 * and {@code hash} load shedding. Stable across JVMs and restarts (no {@link Object#hashCode} of identity, no
 * random seed), so one client IP keeps its origin on every node of a cluster.
 */
public final class Hashing {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final double TWO_POW_52 = 0x1.0p52;

    private Hashing() {
    }

    /** FNV-1a over the UTF-16 code units, then a finaliser so short inputs spread over all 64 bits. */
    public static long of(CharSequence text) {
        long h = FNV_OFFSET;
        final int n = text.length();
        for (int i = 0; i < n; i++) {
            h ^= text.charAt(i);
            h *= FNV_PRIME;
        }
        return mix(h);
    }

    /** Combines two hashes into one that depends on both (order matters). */
    public static long combine(long a, long b) {
        return mix(a ^ Long.rotateLeft(b, 31) ^ 0x9e3779b97f4a7c15L);
    }

    /** The SplitMix64 finaliser: a bijection with good avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Maps a hash to a double in the open interval (0, 1): never 0 and never 1, so {@code Math.log} is finite and
     * negative. 52 bits, not 53, so that {@code n + 0.5} is exact and cannot round up to 1.
     */
    public static double unit(long hash) {
        return ((hash >>> 12) + 0.5) / TWO_POW_52;
    }
}
