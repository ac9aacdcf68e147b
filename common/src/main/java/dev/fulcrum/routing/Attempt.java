package dev.fulcrum.routing;

import dev.fulcrum.upstream.ForwardHeaders;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;

/**
 * One forwarding attempt to one origin: the router's {@link RouteDecision.Forward}. Creating it counts one request
 * in flight on its pool and origin; {@link #complete} releases them exactly once, however often it is called.
 *
 * <p>Failover (spec §8.3): at most one retry per client request, only for failover-eligible failures (521, 522,
 * 523, 525, 526), first on another usable origin of the same pool, else, only with
 * {@code adaptive_routing.failover_across_pools}, on the pool the same steering policy picks when the failed pool
 * is excluded (for {@code off}/{@code geo} that is the next usable pool in order). The retry is planned on the
 * snapshot the first decision used, so it is consistent with it and costs no lookup. A request served by the
 * fallback pool (no usable pool) can only retry inside the fallback.
 */
final class Attempt implements RouteDecision.Forward {

    private static final VarHandle COMPLETED;

    static {
        try {
            COMPLETED = MethodHandles.lookup().findVarHandle(Attempt.class, "completed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LbPlan lb;
    private final OutcomeListener listener;
    private final CandidateList candidates;
    /** The usable mask this request was steered with (after shedding); the retry reuses it. */
    private final long usable;
    /** Index of {@link #pool} in {@link #candidates}, or -1 when it is the fallback pool. */
    private final int poolIndex;
    private final PoolPlan pool;
    private final OriginSet originSet;
    private final int originIndex;
    private final OriginPlan origin;
    private final long clientHash;
    /** The Host the client sent (with port, as sent), kept for a retry on an origin without an override. */
    private final String clientHost;
    private final String hostHeader;
    private final List<Map.Entry<String, String>> requestHeaders;
    private final List<Map.Entry<String, String>> responseHeaders;
    private final boolean retry;
    @SuppressWarnings("unused") // accessed through COMPLETED
    private volatile int completed;

    Attempt(LbPlan lb, OutcomeListener listener, CandidateList candidates, long usable, int poolIndex, PoolPlan pool,
            OriginSet originSet, int originIndex, long clientHash, String clientHost,
            List<Map.Entry<String, String>> requestHeaders, List<Map.Entry<String, String>> responseHeaders,
            boolean retry) {
        this.lb = lb;
        this.listener = listener;
        this.candidates = candidates;
        this.usable = usable;
        this.poolIndex = poolIndex;
        this.pool = pool;
        this.originSet = originSet;
        this.originIndex = originIndex;
        this.origin = originSet.get(originIndex);
        this.clientHash = clientHash;
        this.clientHost = clientHost;
        this.hostHeader = origin.hostOverride != null ? origin.hostOverride : clientHost;
        this.requestHeaders = requestHeaders;
        this.responseHeaders = responseHeaders;
        this.retry = retry;
        pool.inFlight.incrementAndGet();
        origin.inFlight.incrementAndGet();
    }

    @Override
    public String loadBalancerId() {
        return lb.id;
    }

    @Override
    public String poolId() {
        return pool.id;
    }

    @Override
    public String originName() {
        return origin.name;
    }

    @Override
    public String scheme() {
        return origin.scheme;
    }

    @Override
    public String address() {
        return origin.address;
    }

    @Override
    public int port() {
        return origin.port;
    }

    @Override
    public String hostHeader() {
        return hostHeader;
    }

    @Override
    public List<Map.Entry<String, String>> requestHeaders() {
        return requestHeaders;
    }

    @Override
    public List<String> removeRequestHeaders() {
        return ForwardHeaders.REMOVE;
    }

    @Override
    public List<Map.Entry<String, String>> responseHeaders() {
        return responseHeaders;
    }

    /** True when this attempt is the failover retry of an earlier one. */
    boolean isRetry() {
        return retry;
    }

    @Override
    public boolean isFailover() {
        return retry;
    }

    @Override
    public void complete(Outcome outcome, int status, long upstreamNanos) {
        if (COMPLETED.compareAndSet(this, 0, 1)) {
            origin.inFlight.decrementAndGet();
            pool.inFlight.decrementAndGet();
            listener.completed(this, outcome, status, upstreamNanos);
        }
    }

    @Override
    public RouteDecision.Forward failover(UpstreamFailure failure) {
        if (retry || failure == null || !failure.failoverEligible()) {
            return null;
        }
        final int sibling = pool.originSteering.pick(originSet, clientHash, originIndex);
        if (sibling >= 0) {
            return new Attempt(lb, listener, candidates, usable, poolIndex, pool, originSet, sibling, clientHash,
                    clientHost, requestHeaders, responseHeaders, true);
        }
        if (!lb.failoverAcrossPools || poolIndex < 0) {
            return null;
        }
        final long others = usable & ~(1L << poolIndex);
        final int next = lb.steering.choose(candidates, others);
        if (next < 0) {
            return null;
        }
        final PoolPlan nextPool = candidates.pool(next);
        final int nextOrigin = nextPool.originSteering.pick(nextPool.origins, clientHash, -1);
        if (nextOrigin < 0) {
            return null;
        }
        return new Attempt(lb, listener, candidates, others, next, nextPool, nextPool.origins, nextOrigin,
                clientHash, clientHost, requestHeaders, responseHeaders, true);
    }

    @Override
    public String toString() {
        return "Forward[lb=" + lb.name + ", pool=" + pool.id + ", origin=" + origin.name + " " + origin.scheme
                + "://" + origin.address + ':' + origin.port + (retry ? ", retry" : "") + ']';
    }
}
