package dev.fulcrum.routing.choice;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted random choice by index, for the {@code random} and {@code least_*} policies of pool steering and of origin
 * steering alike: candidate i is chosen with probability score(i) ÷ Σ score over the candidates that may be chosen,
 * and one scoring 0 never is. Two passes (sum, then walk) instead of a prefix array, so nothing is allocated.
 *
 * <p>Thread safety: stateless; draws from {@link ThreadLocalRandom}.
 */
public final class WeightedChoice {

    /** How a policy turns candidate {@code index} into its effective weight, 0 or more. */
    @FunctionalInterface
    public interface Scorer<C> {
        double score(C candidates, int index);
    }

    /** A mask that leaves no candidate out. */
    private static final long EVERY = -1L;

    private WeightedChoice() {
    }

    /**
     * Chooses among the candidates {@code [0, size)} except {@code excluded}.
     *
     * @param excluded an index that must not be chosen, or -1
     * @return the chosen index, or -1 when no candidate scores above 0
     */
    public static <C> int among(C candidates, int size, int excluded, Scorer<C> scorer) {
        return choose(candidates, size, EVERY, excluded, scorer);
    }

    /**
     * Chooses among the usable candidates. When every one of them scores 0 (e.g. all their weights are 0) the first
     * usable one is chosen [G]: a usable candidate is better than none (for pools, than the fallback pool).
     *
     * @param usable bit i set = candidate i may be chosen
     * @return the chosen index, or -1 when {@code usable} is 0
     */
    public static <C> int amongUsable(C candidates, long usable, Scorer<C> scorer) {
        final int chosen = choose(candidates, Long.SIZE - Long.numberOfLeadingZeros(usable), usable, -1, scorer);
        return chosen >= 0 || usable == 0 ? chosen : Long.numberOfTrailingZeros(usable);
    }

    /** {@code usable} speaks for the first 64 candidates; past those only {@code excluded} is left out. */
    private static <C> int choose(C candidates, int size, long usable, int excluded, Scorer<C> scorer) {
        double total = 0;
        for (int i = 0; i < size; i++) {
            if (mayChoose(i, usable, excluded)) {
                total += scorer.score(candidates, i);
            }
        }
        if (!(total > 0)) {
            return -1;
        }
        double target = ThreadLocalRandom.current().nextDouble() * total;
        int last = -1;
        for (int i = 0; i < size; i++) {
            if (!mayChoose(i, usable, excluded)) {
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

    private static boolean mayChoose(int index, long usable, int excluded) {
        return index != excluded && (index >= Long.SIZE || (usable >>> index & 1) != 0);
    }
}
