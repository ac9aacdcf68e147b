package dev.fulcrum.routing;

import dev.fulcrum.request.Hashing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Every (pool, origin) a load balancer's sessions may be pinned to: each origin, enabled or not, of each pool the
 * load balancer uses (every candidate list and the fallback), found by the pin's hashes with a binary search, so
 * the affinity stage allocates nothing to resolve a pin. Immutable.
 */
final class PinTargets {

    private final long[] keys;
    private final PinTarget[] targets;

    PinTargets(List<PoolPlan> pools, long drainMillis) {
        final List<PinTarget> all = new ArrayList<>();
        for (PoolPlan pool : pools) {
            for (int i = 0; i < pool.allOrigins().length; i++) {
                all.add(new PinTarget(pool, i, drainMillis));
            }
        }
        all.sort(Comparator.comparingLong(t -> key(t.pool.seed, t.origin.identityHash)));
        final List<PinTarget> unique = new ArrayList<>(all.size());
        long previous = 0;
        for (PinTarget t : all) {
            final long key = key(t.pool.seed, t.origin.identityHash);
            // The same address:port twice in one pool (other virtual networks) is one pin target: the first wins.
            if (unique.isEmpty() || key != previous) {
                unique.add(t);
                previous = key;
            }
        }
        this.targets = unique.toArray(new PinTarget[0]);
        this.keys = new long[targets.length];
        for (int i = 0; i < targets.length; i++) {
            keys[i] = key(targets[i].pool.seed, targets[i].origin.identityHash);
        }
    }

    /** The target of a pin, or null when this load balancer has no such pool and origin (any more). */
    PinTarget find(long poolHash, long originHash) {
        final int i = Arrays.binarySearch(keys, key(poolHash, originHash));
        return i < 0 ? null : targets[i];
    }

    int size() {
        return targets.length;
    }

    private static long key(long poolHash, long originHash) {
        return Hashing.combine(poolHash, originHash);
    }
}
