package dev.fulcrum.routing.steering;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Each pool policy on its own. Statistical bounds: with n = 4,000 draws the standard deviation of a share p is at
 * most sqrt(0.25 / 4000) ≈ 0.8 percentage points, so ±4 points is five sigma (a false failure about once in
 * 1.7 million runs).
 */
class PoolSteeringTest {

    private static final int DRAWS = 4_000;
    private static final double TOLERANCE = 0.04;

    private static double[] shares(PoolSteering policy, PoolCandidates candidates, long usable) {
        final double[] counts = new double[candidates.size()];
        for (int i = 0; i < DRAWS; i++) {
            counts[policy.choose(candidates, usable)]++;
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] /= DRAWS;
        }
        return counts;
    }

    @Test
    void failoverTakesTheFirstUsable() {
        final FakeCandidates c = FakeCandidates.equal(4);
        assertThat(PoolSteering.failover().choose(c, 0b1111)).isZero();
        assertThat(PoolSteering.failover().choose(c, 0b1100)).isEqualTo(2);
        assertThat(PoolSteering.failover().choose(c, 0b1000)).isEqualTo(3);
        assertThat(PoolSteering.failover().choose(c, 0)).isEqualTo(-1);
        assertThat(PoolSteering.geo().choose(c, 0b0110)).isEqualTo(1);
    }

    @Test
    void randomFollowsPoolWeights() {
        final FakeCandidates c = new FakeCandidates(0.25, 0.25, 0.5);
        final double[] s = shares(PoolSteering.random(), c, c.all());
        assertThat(s[0]).isCloseTo(0.25, within(TOLERANCE));
        assertThat(s[1]).isCloseTo(0.25, within(TOLERANCE));
        assertThat(s[2]).isCloseTo(0.50, within(TOLERANCE));
    }

    @Test
    void randomRenormalisesOverUsablePoolsOnly() {
        final FakeCandidates c = new FakeCandidates(0.25, 0.25, 0.5);
        final double[] s = shares(PoolSteering.random(), c, 0b011); // the 0.5 pool is unusable
        assertThat(s[0]).isCloseTo(0.5, within(TOLERANCE));
        assertThat(s[1]).isCloseTo(0.5, within(TOLERANCE));
        assertThat(s[2]).isZero();
    }

    @Test
    void randomNeverChoosesWeightZeroUnlessAllAreZero() {
        final FakeCandidates c = new FakeCandidates(0, 1, 0);
        assertThat(shares(PoolSteering.random(), c, c.all())[1]).isEqualTo(1.0);
        final FakeCandidates zeros = new FakeCandidates(0, 0, 0);
        assertThat(PoolSteering.random().choose(zeros, 0b110)).isEqualTo(1); // failover order among usable
    }

    @Test
    void dynamicLatencyPrefersLowestRttAndFallsBackToFailoverOrder() {
        final FakeCandidates c = FakeCandidates.equal(3);
        assertThat(PoolSteering.dynamicLatency().choose(c, c.all())).isZero(); // no data yet
        c.rtt[0] = 80;
        c.rtt[1] = 20;
        c.rtt[2] = 50;
        assertThat(PoolSteering.dynamicLatency().choose(c, c.all())).isEqualTo(1);
        assertThat(PoolSteering.dynamicLatency().choose(c, 0b101)).isEqualTo(2);
        c.rtt[2] = Double.NaN; // a pool without data ranks after every pool with data
        assertThat(PoolSteering.dynamicLatency().choose(c, 0b101)).isZero();
        assertThat(PoolSteering.dynamicLatency().choose(c, 0b100)).isEqualTo(2);
    }

    @Test
    void proximityPrefersNearestAndPutsPoolsWithoutCoordinatesLast() {
        final FakeCandidates c = FakeCandidates.equal(3);
        c.distance[1] = 900;
        c.distance[2] = 120;
        assertThat(PoolSteering.proximity().choose(c, c.all())).isEqualTo(2);
        assertThat(PoolSteering.proximity().choose(c, 0b011)).isEqualTo(1);
        assertThat(PoolSteering.proximity().choose(c, 0b001)).isZero();
        assertThat(PoolSteering.proximity().choose(FakeCandidates.equal(3), 0b110)).isEqualTo(1);
    }

    @Test
    void greatCircleDistanceIsRight() {
        // Frankfurt (50.11, 8.68) to New York (40.71, -74.01): about 6,200 km.
        assertThat(GreatCircle.distanceKm(50.11, 8.68, 40.71, -74.01)).isCloseTo(6_200, within(50.0));
        assertThat(GreatCircle.distanceKm(10, 10, 10, 10)).isZero();
        assertThat(GreatCircle.distanceKm(Double.NaN, 0, 0, 0)).isNaN();
    }

    @Test
    void leastOutstandingChoosesLoadedPoolsProportionallyLess() {
        final FakeCandidates c = FakeCandidates.equal(2);
        c.outstanding[0] = 9; // effective weights 1/10 and 1/1
        final double[] s = shares(PoolSteering.leastOutstandingRequests(), c, c.all());
        assertThat(s[0]).isCloseTo(1.0 / 11, within(TOLERANCE));
        assertThat(s[1]).isCloseTo(10.0 / 11, within(TOLERANCE));
    }

    @Test
    void leastOutstandingWithEqualLoadFollowsWeights() {
        final FakeCandidates c = new FakeCandidates(0.25, 0.75);
        c.outstanding[0] = 3;
        c.outstanding[1] = 3;
        assertThat(shares(PoolSteering.leastOutstandingRequests(), c, c.all())[0]).isCloseTo(0.25, within(TOLERANCE));
    }

    @Test
    void leastConnectionsUsesConnections() {
        final FakeCandidates c = FakeCandidates.equal(2);
        c.connections[1] = 3; // 1/1 vs 1/4
        c.outstanding[0] = 100; // ignored by least_connections
        final double[] s = shares(PoolSteering.leastConnections(), c, c.all());
        assertThat(s[0]).isCloseTo(0.8, within(TOLERANCE));
    }

    @Test
    void policyNamesResolve() {
        assertThat(PoolSteering.of("", false)).isSameAs(PoolSteering.failover());
        assertThat(PoolSteering.of(null, true)).isSameAs(PoolSteering.geo());
        assertThat(PoolSteering.of("", true)).isSameAs(PoolSteering.geo());
        assertThat(PoolSteering.of("off", true)).isSameAs(PoolSteering.failover());
        assertThat(PoolSteering.of("random", false)).isSameAs(PoolSteering.random());
        assertThat(PoolSteering.of("dynamic_latency", false)).isSameAs(PoolSteering.dynamicLatency());
        assertThat(PoolSteering.of("proximity", false)).isSameAs(PoolSteering.proximity());
        assertThat(PoolSteering.of("least_outstanding_requests", false))
                .isSameAs(PoolSteering.leastOutstandingRequests());
        assertThat(PoolSteering.of("least_connections", false)).isSameAs(PoolSteering.leastConnections());
        assertThatThrownBy(() -> PoolSteering.of("random_steering", false))
                .hasMessageContaining("steering_policy: random_steering (expected: off, geo");
    }

    @Test
    void everyPolicyReturnsMinusOneWithoutUsableCandidates() {
        final FakeCandidates c = FakeCandidates.equal(3);
        for (String name : new String[] {"off", "geo", "random", "dynamic_latency", "proximity",
                "least_outstanding_requests", "least_connections"}) {
            assertThat(PoolSteering.of(name, false).choose(c, 0)).as(name).isEqualTo(-1);
        }
    }

    @Test
    void sixtyFourCandidatesWork() {
        final FakeCandidates c = FakeCandidates.equal(64);
        assertThat(PoolSteering.failover().choose(c, 1L << 63)).isEqualTo(63);
        final double[] s = shares(PoolSteering.random(), c, c.all());
        assertThat(s[63]).isGreaterThan(0);
    }
}
