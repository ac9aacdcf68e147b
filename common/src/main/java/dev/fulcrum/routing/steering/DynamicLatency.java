package dev.fulcrum.routing.steering;

/**
 * {@code dynamic_latency}: the usable pool with the lowest average probe RTT (spec §4.2). Pools without RTT data
 * rank after every pool with data, in failover order; with no data at all this is plain failover order, which is
 * what Cloudflare does while the averages warm up. Ties keep failover order.
 */
final class DynamicLatency implements PoolSteering {

    static final DynamicLatency INSTANCE = new DynamicLatency();

    private DynamicLatency() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        int best = -1;
        double bestRtt = Double.POSITIVE_INFINITY;
        for (long bits = usable; bits != 0; bits &= bits - 1) {
            final int i = Long.numberOfTrailingZeros(bits);
            final double rtt = candidates.rttMillis(i);
            if (rtt < bestRtt) { // false for NaN: unknown never beats known
                bestRtt = rtt;
                best = i;
            }
        }
        return best >= 0 ? best : Failover.first(usable);
    }

    @Override
    public String toString() {
        return "dynamic_latency";
    }
}
