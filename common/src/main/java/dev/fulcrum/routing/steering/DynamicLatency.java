package dev.fulcrum.routing.steering;

/**
 * {@code dynamic_latency}: the usable pool with the lowest average probe RTT (spec §4.2). Pools without RTT data
 * rank after every pool with data, in failover order; with no data at all this is plain failover order, which is
 * what Cloudflare does while the averages warm up. Ties keep failover order.
 */
final class DynamicLatency implements PoolSteering {

    static final DynamicLatency INSTANCE = new DynamicLatency();

    private static final Lowest.Measure BY_RTT = PoolCandidates::rttMillis;

    private DynamicLatency() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return Lowest.choose(candidates, usable, BY_RTT);
    }

    @Override
    public String toString() {
        return "dynamic_latency";
    }
}
