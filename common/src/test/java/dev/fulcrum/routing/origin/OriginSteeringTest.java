package dev.fulcrum.routing.origin;

import dev.fulcrum.request.Hashing;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Each origin policy on its own. Random draws: n = 4,000, so ±4 percentage points is five standard deviations.
 * Hash shares: 20,000 distinct client addresses, ±3 points (over seven sigma for a fair hash).
 */
class OriginSteeringTest {

    private static final int DRAWS = 4_000;
    private static final double TOLERANCE = 0.04;

    private static double[] shares(OriginSteering policy, OriginCandidates origins, int excluded) {
        final double[] counts = new double[origins.size()];
        for (int i = 0; i < DRAWS; i++) {
            counts[policy.pick(origins, Hashing.of("198.51.100." + (i % 250)), excluded)]++;
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] /= DRAWS;
        }
        return counts;
    }

    private static String client(int i) {
        return "10." + (i >> 16 & 255) + '.' + (i >> 8 & 255) + '.' + (i & 255);
    }

    @Test
    void randomFollowsWeights() {
        final FakeOrigins o = new FakeOrigins(0.25, 0.25, 0.5);
        final double[] s = shares(OriginSteering.random(), o, -1);
        assertThat(s[0]).isCloseTo(0.25, within(TOLERANCE));
        assertThat(s[1]).isCloseTo(0.25, within(TOLERANCE));
        assertThat(s[2]).isCloseTo(0.50, within(TOLERANCE));
    }

    @Test
    void randomNeverPicksTheExcludedOrWeightZero() {
        final FakeOrigins o = new FakeOrigins(1, 0, 1);
        final double[] s = shares(OriginSteering.random(), o, 0);
        assertThat(s[0]).isZero();
        assertThat(s[1]).isZero();
        assertThat(s[2]).isEqualTo(1.0);
        assertThat(OriginSteering.random().pick(new FakeOrigins(1), 0, 0)).isEqualTo(-1);
        assertThat(OriginSteering.random().pick(new FakeOrigins(0, 0), 0, -1)).isEqualTo(-1);
    }

    @Test
    void hashIsStablePerClient() {
        final FakeOrigins o = new FakeOrigins(1, 1, 1, 1, 1);
        for (int i = 0; i < 2_000; i++) {
            final long client = Hashing.of(client(i));
            final int first = OriginSteering.hash().pick(o, client, -1);
            for (int repeat = 0; repeat < 3; repeat++) {
                assertThat(OriginSteering.hash().pick(o, client, -1)).isEqualTo(first);
            }
        }
    }

    @Test
    void hashSpreadsClientsByWeight() {
        final FakeOrigins o = new FakeOrigins(0.25, 0.25, 0.5);
        final double[] counts = new double[3];
        final int clients = 20_000;
        for (int i = 0; i < clients; i++) {
            counts[OriginSteering.hash().pick(o, Hashing.of(client(i)), -1)]++;
        }
        assertThat(counts[0] / clients).isCloseTo(0.25, within(0.03));
        assertThat(counts[1] / clients).isCloseTo(0.25, within(0.03));
        assertThat(counts[2] / clients).isCloseTo(0.50, within(0.03));
    }

    @Test
    void removingAnOriginMovesOnlyItsClients() {
        final FakeOrigins before = new FakeOrigins(1, 1, 1, 1);
        final FakeOrigins after = before.without(2);
        int moved = 0;
        int hadRemoved = 0;
        for (int i = 0; i < 5_000; i++) {
            final long client = Hashing.of(client(i));
            final long was = before.identities[OriginSteering.hash().pick(before, client, -1)];
            final long now = after.identities[OriginSteering.hash().pick(after, client, -1)];
            if (was == before.identities[2]) {
                hadRemoved++;
            } else if (was != now) {
                moved++;
            }
        }
        assertThat(moved).isZero();
        assertThat(hadRemoved).isBetween(1_000, 1_500); // about a quarter
    }

    @Test
    void hashWithExclusionPicksAnotherOrigin() {
        final FakeOrigins o = new FakeOrigins(1, 1, 1);
        final Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            final long client = Hashing.of(client(i));
            final int first = OriginSteering.hash().pick(o, client, -1);
            final int second = OriginSteering.hash().pick(o, client, first);
            assertThat(second).isNotEqualTo(first).isBetween(0, 2);
            seen.merge(second, 1, Integer::sum);
        }
        assertThat(seen).hasSize(3);
    }

    @Test
    void hashEqualWeightShortcutAgreesWithTheWeightedFormula() {
        // Equal weights take the no-logarithm path; weights that differ by a hair take the formula. They must
        // agree for all but the clients whose top two scores are within that hair of each other.
        final FakeOrigins equal = new FakeOrigins(1, 1, 1, 1, 1, 1);
        final FakeOrigins almost = new FakeOrigins(1, 1, 1, 1, 1, 1 - 1e-12);
        int differ = 0;
        for (int i = 0; i < 5_000; i++) {
            final long client = Hashing.of(client(i));
            if (OriginSteering.hash().pick(equal, client, -1) != OriginSteering.hash().pick(almost, client, -1)) {
                differ++;
            }
        }
        assertThat(differ).isLessThanOrEqualTo(1);
    }

    @Test
    void hashNeverPicksWeightZero() {
        final FakeOrigins o = new FakeOrigins(0, 1);
        for (int i = 0; i < 1_000; i++) {
            assertThat(OriginSteering.hash().pick(o, Hashing.of(client(i)), -1)).isEqualTo(1);
        }
    }

    @Test
    void leastOutstandingChoosesLoadedOriginsProportionallyLess() {
        final FakeOrigins o = new FakeOrigins(1, 1);
        o.outstanding[0] = 4; // 1/5 vs 1/1
        final double[] s = shares(OriginSteering.leastOutstandingRequests(), o, -1);
        assertThat(s[0]).isCloseTo(1.0 / 6, within(TOLERANCE));
    }

    @Test
    void leastOutstandingBalancesHeldRequests() {
        // Requests are held (never completed): the policy must keep the counts close, unlike plain random.
        final FakeOrigins o = new FakeOrigins(1, 1, 1);
        o.outstanding[0] = 300; // a backlog on origin 0 before the burst
        for (int i = 0; i < 1_200; i++) {
            o.outstanding[OriginSteering.leastOutstandingRequests().pick(o, 0, -1)]++;
        }
        // 1,500 in flight over three equal origins: 500 each when balanced. Plain random would leave origin 0 at
        // about 700 ± 16 (its backlog plus a third of the burst); proportional choice absorbs the backlog. Its
        // restoring force is weak at high counts, so the spread is about ±22 (one sigma): ±100 is 4.5 sigma.
        for (int count : o.outstanding) {
            assertThat(count).isBetween(400, 600);
        }
    }

    @Test
    void leastConnectionsUsesConnections() {
        final FakeOrigins o = new FakeOrigins(1, 1);
        o.connections[0] = 4;
        o.outstanding[1] = 100; // ignored
        assertThat(shares(OriginSteering.leastConnections(), o, -1)[1]).isCloseTo(5.0 / 6, within(TOLERANCE));
    }

    @Test
    void policyNamesResolve() {
        assertThat(OriginSteering.of(null)).isSameAs(OriginSteering.random());
        assertThat(OriginSteering.of("random")).isSameAs(OriginSteering.random());
        assertThat(OriginSteering.of("hash")).isSameAs(OriginSteering.hash());
        assertThat(OriginSteering.of("least_outstanding_requests"))
                .isSameAs(OriginSteering.leastOutstandingRequests());
        assertThat(OriginSteering.of("least_connections")).isSameAs(OriginSteering.leastConnections());
        assertThatThrownBy(() -> OriginSteering.of("round_robin"))
                .hasMessageContaining("origin_steering.policy: round_robin (expected: random, hash");
    }

    @Test
    void hashingIsStableAndUnitIsOpen() {
        assertThat(Hashing.of("192.0.2.1")).isEqualTo(Hashing.of("192.0.2.1"));
        assertThat(Hashing.of("192.0.2.1")).isNotEqualTo(Hashing.of("192.0.2.2"));
        assertThat(Hashing.unit(0)).isGreaterThan(0).isLessThan(1);
        assertThat(Hashing.unit(-1)).isGreaterThan(0).isLessThan(1);
    }
}
