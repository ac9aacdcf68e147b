package dev.fulcrum.routing.origin;

import dev.fulcrum.request.Hashing;

/**
 * {@code hash}: weighted rendezvous (highest-random-weight) hashing of the client address (spec §4.4).
 *
 * <p>Each origin scores {@code -weight / ln(u)} where {@code u} is a uniform hash of (client, origin identity); the
 * highest score wins. The same client always lands on the same origin while the usable set is unchanged, the
 * long-run share of clients per origin is proportional to weight, and removing an origin moves only the clients it
 * had (every other origin's score for a client is unchanged). The identity is address:port, not the list position,
 * so reordering origins moves nobody.
 */
final class Hash implements OriginSteering {

    static final Hash INSTANCE = new Hash();

    private Hash() {
    }

    @Override
    public int pick(OriginCandidates candidates, long clientHash, int excluded) {
        return equalWeights(candidates, excluded) ? pickEqual(candidates, clientHash, excluded)
                : pickWeighted(candidates, clientHash, excluded);
    }

    private static int pickWeighted(OriginCandidates candidates, long clientHash, int excluded) {
        final int n = candidates.size();
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (i == excluded) {
                continue;
            }
            final double weight = candidates.weight(i);
            if (!(weight > 0)) {
                continue;
            }
            final double u = Hashing.unit(Hashing.combine(clientHash, candidates.identityHash(i)));
            // ln(u) < 0, so the score is positive and grows with weight.
            final double score = -weight / Math.log(u);
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    /**
     * With equal weights the score grows strictly with u, and u with the top 52 bits of the combined hash, so
     * comparing those bits picks exactly the origin {@link #pickWeighted} would, without a logarithm per origin
     * (the common configuration: every weight 1).
     */
    private static int pickEqual(OriginCandidates candidates, long clientHash, int excluded) {
        final int n = candidates.size();
        int best = -1;
        long bestBits = -1;
        for (int i = 0; i < n; i++) {
            if (i == excluded) {
                continue;
            }
            final long bits = Hashing.combine(clientHash, candidates.identityHash(i)) >>> 12;
            if (bits > bestBits) {
                bestBits = bits;
                best = i;
            }
        }
        return best;
    }

    /** True when every candidate but the excluded one has the same positive weight. */
    private static boolean equalWeights(OriginCandidates candidates, int excluded) {
        double first = Double.NaN;
        for (int i = 0, n = candidates.size(); i < n; i++) {
            if (i == excluded) {
                continue;
            }
            final double weight = candidates.weight(i);
            if (!(weight > 0)) {
                return false;
            }
            if (Double.isNaN(first)) {
                first = weight;
            } else if (weight != first) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "hash";
    }
}
