package dev.fulcrum.routing.origin;

import java.util.concurrent.ThreadLocalRandom;

/** Weighted random choice over candidates, shared by the random and least_* policies. */
final class Weighted {

    /** How a policy turns a candidate into its effective weight. */
    interface Scorer {
        double score(OriginCandidates candidates, int index);
    }

    private Weighted() {
    }

    /**
     * Chooses index i with probability score(i) ÷ Σ score; candidates scoring 0 are never chosen. Two passes
     * (sum, then walk) instead of a prefix array so nothing is allocated.
     */
    static int choose(OriginCandidates candidates, int excluded, Scorer scorer) {
        final int n = candidates.size();
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (i != excluded) {
                total += scorer.score(candidates, i);
            }
        }
        if (!(total > 0)) {
            return -1;
        }
        double target = ThreadLocalRandom.current().nextDouble() * total;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (i == excluded) {
                continue;
            }
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
