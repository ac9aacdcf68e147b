package dev.fulcrum.routing.steering;

import java.util.concurrent.ThreadLocalRandom;

/** Weighted random choice over the usable candidates, shared by the random and least_* policies. */
final class Weighted {

    /** How a policy turns a candidate into its effective weight. */
    interface Scorer {
        double score(PoolCandidates candidates, int index);
    }

    private Weighted() {
    }

    /**
     * Chooses usable index i with probability score(i) ÷ Σ score. When every usable candidate scores 0 (e.g. all
     * their weights are 0) the first usable one in failover order is chosen [G]: a healthy candidate is better
     * than the fallback pool.
     */
    static int choose(PoolCandidates candidates, long usable, Scorer scorer) {
        if (usable == 0) {
            return -1;
        }
        double total = 0;
        for (long bits = usable; bits != 0; bits &= bits - 1) {
            total += scorer.score(candidates, Long.numberOfTrailingZeros(bits));
        }
        if (!(total > 0)) {
            return Failover.first(usable);
        }
        double target = ThreadLocalRandom.current().nextDouble() * total;
        int last = -1;
        for (long bits = usable; bits != 0; bits &= bits - 1) {
            final int i = Long.numberOfTrailingZeros(bits);
            final double s = scorer.score(candidates, i);
            if (s > 0) {
                last = i;
                target -= s;
                if (target < 0) {
                    return i;
                }
            }
        }
        // Rounding can leave a tiny remainder after the last positive candidate.
        return last;
    }
}
