package dev.fulcrum.health;

import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The verdicts a node of a cluster steers on, from its own probes and the other live nodes' (spec, "health across
 * vantage points"; Cloudflare's regional health). Each node is one of Cloudflare's data centers.
 *
 * <p>Sources, in the pool's {@code health_sources} order, each used only when it has a verdict for the origin:
 * <ul>
 *   <li>{@code local}: this node's own verdict; a source only when the pool has no {@code check_regions} (then every
 *       data center checks it).</li>
 *   <li>{@code regional}: the majority of the verdicts of the nodes in this node's region, when that region is one
 *       of the pool's {@code check_regions}.</li>
 *   <li>{@code global}: the majority of the regions' verdicts, over the regions in {@code check_regions} (every
 *       node's region, nodes without one forming one region, when it is null or {@code ALL_REGIONS}).</li>
 * </ul>
 * {@code health_sources} null means {@code local} then {@code global}; {@code ["regional","global"]} means
 * {@code regional} then {@code global}. Majority is strictly more than half: a tie is unhealthy. [G] Without any
 * verdict from its sources (no node of the check regions has one yet, or every other node is gone) a node falls
 * back to its own verdict, since every Fulcrum node probes every pool: it never steers blind while it has a probe
 * result of its own.
 *
 * <p>Pure functions of immutable inputs; thread-safe.
 */
public final class ClusterVerdicts {

    private static final String ALL_REGIONS = "ALL_REGIONS";
    private static final String NO_REGION = "";

    private ClusterVerdicts() {
    }

    /**
     * The verdict per origin key of {@code pool} this node steers on; origins without any verdict are left out.
     *
     * @param self   this node's own results
     * @param others the other live nodes' results (this node excluded)
     */
    public static Map<String, OriginHealth> forPool(Pool pool, NodeResults self, Collection<NodeResults> others) {
        final List<NodeResults> voters = new ArrayList<>(others.size() + 1);
        if (checks(pool, self.region())) {
            voters.add(self);
        }
        for (NodeResults other : others) {
            if (checks(pool, other.region())) {
                voters.add(other);
            }
        }
        final Map<String, OriginHealth> out = new HashMap<>();
        for (Origin origin : pool.origins()) {
            final String key = HealthSnapshot.originKey(origin.address(), origin.port());
            if (out.containsKey(key)) {
                continue;
            }
            final OriginHealth local = self.results().origin(pool.id(), key);
            OriginHealth chosen;
            if (pool.regionalHealth()) {
                chosen = checks(pool, self.region()) ? regional(pool, voters, region(self), key, self) : null;
            } else {
                chosen = pool.checkRegions() == null ? local : null;
            }
            if (chosen == null) {
                chosen = global(pool, voters, key, self);
            }
            if (chosen == null) {
                chosen = local;
            }
            if (chosen != null) {
                out.put(key, chosen);
            }
        }
        return Map.copyOf(out);
    }

    /** Whether a node of {@code region} is one of the pool's checking data centers. */
    static boolean checks(Pool pool, String region) {
        final List<String> regions = pool.checkRegions();
        return regions == null || regions.contains(ALL_REGIONS) || (region != null && regions.contains(region));
    }

    private static String region(NodeResults node) {
        return node.region() == null ? NO_REGION : node.region();
    }

    private static OriginHealth regional(Pool pool, List<NodeResults> voters, String region, String key,
                                         NodeResults self) {
        final List<OriginHealth> votes = new ArrayList<>();
        OriginHealth own = null;
        for (NodeResults voter : voters) {
            if (region(voter).equals(region)) {
                final OriginHealth vote = voter.results().origin(pool.id(), key);
                if (vote != null) {
                    votes.add(vote);
                    if (voter == self) {
                        own = vote;
                    }
                }
            }
        }
        if (votes.isEmpty()) {
            return null;
        }
        int healthy = 0;
        for (OriginHealth vote : votes) {
            if (!vote.failed()) {
                healthy++;
            }
        }
        return verdict(2 * healthy > votes.size(), votes, own);
    }

    private static OriginHealth global(Pool pool, List<NodeResults> voters, String key, NodeResults self) {
        final Map<String, int[]> regions = new HashMap<>();
        final List<OriginHealth> votes = new ArrayList<>();
        OriginHealth own = null;
        for (NodeResults voter : voters) {
            final OriginHealth vote = voter.results().origin(pool.id(), key);
            if (vote == null) {
                continue;
            }
            votes.add(vote);
            if (voter == self) {
                own = vote;
            }
            final int[] tally = regions.computeIfAbsent(region(voter), r -> new int[2]);
            tally[0] += vote.failed() ? 0 : 1;
            tally[1]++;
        }
        if (regions.isEmpty()) {
            return null;
        }
        int healthyRegions = 0;
        for (int[] tally : regions.values()) {
            if (2 * tally[0] > tally[1]) {
                healthyRegions++;
            }
        }
        return verdict(2 * healthyRegions > regions.size(), votes, own);
    }

    /**
     * A verdict for the router and the API: healthy or failed, with the round-trip time and the failure text of a
     * vote that agrees with it (this node's own when it does), the mean round-trip time of the votes that have one.
     */
    private static OriginHealth verdict(boolean healthy, List<OriginHealth> votes, OriginHealth own) {
        OriginHealth witness = own != null && own.failed() != healthy ? own : null;
        double rttSum = 0;
        int rtts = 0;
        for (OriginHealth vote : votes) {
            if (witness == null && vote.failed() != healthy) {
                witness = vote;
            }
            if (!Double.isNaN(vote.rttMillis())) {
                rttSum += vote.rttMillis();
                rtts++;
            }
        }
        Objects.requireNonNull(witness, "a majority has at least one vote");
        final double rtt = own != null && !Double.isNaN(own.rttMillis()) ? own.rttMillis()
                : rtts == 0 ? Double.NaN : rttSum / rtts;
        return new OriginHealth(healthy, rtt, witness.failureReason(), witness.responseCode());
    }
}
