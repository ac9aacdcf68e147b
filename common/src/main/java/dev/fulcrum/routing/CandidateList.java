package dev.fulcrum.routing;

import dev.fulcrum.request.Hashing;
import dev.fulcrum.routing.steering.PoolCandidates;

/**
 * One load balancer's candidate pools in failover order (its {@code default_pools}, or one geo list), adapted to
 * {@link PoolCandidates}, with the usability mask precomputed for the snapshot. Only shedding is left per request.
 */
final class CandidateList implements PoolCandidates {

    private final PoolPlan[] pools;
    private final double[] weights;
    private final OriginConnections connectionCounts;
    /** Bit i set = pool i is usable in this snapshot (before shedding). */
    final long usable;
    /** Bit i set = pool i is usable and sheds some traffic, so it needs a per-request draw. */
    private final long shedding;

    CandidateList(PoolPlan[] pools, double[] weights, OriginConnections connectionCounts) {
        if (pools.length > MAX) {
            throw new IllegalArgumentException("pool list: " + pools.length + " pools (expected: at most " + MAX
                    + " per list)");
        }
        this.pools = pools;
        this.weights = weights;
        this.connectionCounts = connectionCounts;
        long usableBits = 0;
        long sheddingBits = 0;
        for (int i = 0; i < pools.length; i++) {
            if (pools[i].usable) {
                usableBits |= 1L << i;
                if (pools[i].shedFraction > 0) {
                    sheddingBits |= 1L << i;
                }
            }
        }
        this.usable = usableBits;
        this.shedding = sheddingBits;
    }

    /** The usable mask for one request: the snapshot's usable pools minus those that shed this request. */
    long usableFor(long clientHash) {
        long mask = usable;
        for (long bits = shedding; bits != 0; bits &= bits - 1) {
            final int i = Long.numberOfTrailingZeros(bits);
            if (pools[i].sheds(clientHash)) {
                mask &= ~(1L << i);
            }
        }
        return mask;
    }

    PoolPlan pool(int index) {
        return pools[index];
    }

    /** The index of {@code pool} in this list, or -1. */
    int indexOf(PoolPlan pool) {
        for (int i = 0; i < pools.length; i++) {
            if (pools[i] == pool) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code ip_cookie} placement: weighted rendezvous hashing of the client address over the usable pools (pool
     * weights as in {@code random}), so one address gets the same pool while the usable set is unchanged and
     * removing a pool moves only its clients. With every usable weight 0, the first usable pool. -1 when none.
     */
    int placeByHash(long usableMask, long clientHash) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (long bits = usableMask; bits != 0; bits &= bits - 1) {
            final int i = Long.numberOfTrailingZeros(bits);
            final double w = weights[i];
            if (!(w > 0)) {
                continue;
            }
            final double score = -w / Math.log(Hashing.unit(Hashing.combine(clientHash, pools[i].placementSeed)));
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best >= 0 || usableMask == 0 ? best : Long.numberOfTrailingZeros(usableMask);
    }

    @Override
    public int size() {
        return pools.length;
    }

    @Override
    public double weight(int index) {
        return weights[index];
    }

    @Override
    public double rttMillis(int index) {
        return pools[index].rttMillis;
    }

    @Override
    public double distanceKm(int index) {
        return pools[index].distanceKm;
    }

    @Override
    public int outstanding(int index) {
        return pools[index].inFlight.get();
    }

    @Override
    public int connections(int index) {
        final PoolPlan pool = pools[index];
        if (!connectionCounts.reported()) {
            return pool.inFlight.get(); // see OriginConnections: in-flight stands in until connections are reported
        }
        final OriginSet origins = pool.origins;
        int sum = 0;
        for (int i = 0, n = origins.size(); i < n; i++) {
            sum += origins.get(i).connections.get();
        }
        return sum;
    }
}
