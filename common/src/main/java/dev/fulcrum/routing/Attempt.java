package dev.fulcrum.routing;

import dev.fulcrum.affinity.FailoverMode;
import dev.fulcrum.affinity.Session;

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
 *
 * <p>Affinity (spec §5.3, §8.3): a request served on its pin ({@link #PINNED}) is not retried under
 * {@code zero_downtime_failover: none} (the client gets the 52x answer); under {@code temporary} the retry keeps the
 * pin (no new cookie), under {@code sticky} it re-pins the session to the retry's origin. A request that makes a new
 * pin ({@link #NEW_PIN}) re-pins to the origin that actually serves it. An attempt whose origin failed
 * ({@link Outcome#CONNECT_FAILED}, {@link Outcome#EXCHANGE_FAILED}) withdraws the pin it made: its
 * {@link #responseHeaders()} lose the Set-Cookie and a header session forgets it, so a failure answer never pins.
 */
final class Attempt implements RouteDecision.Forward {

    /** No affinity, or a request that can have no session (header affinity without its headers). */
    static final int NO_SESSION = 0;
    /** This attempt pins the session (new session, broken or shed pin). */
    static final int NEW_PIN = 1;
    /** Served on the pin the request carried. */
    static final int PINNED = 2;
    /** The pin is kept but served elsewhere ({@code temporary}, pinned origin unhealthy). */
    static final int KEPT = 3;

    private static final int OPEN = 0;
    private static final int DONE = 1;
    private static final int FAILED = 2;

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
    /** The decision's own response headers (CF-Ray), without any Set-Cookie. */
    private final List<Map.Entry<String, String>> rayHeaders;
    /** {@link #rayHeaders} plus the Set-Cookie of a new pin, when this attempt makes one. */
    private final List<Map.Entry<String, String>> responseHeaders;
    private final boolean retry;
    /** The request's affinity session, or null. */
    private final Session session;
    private final int role;
    /** {@link #OPEN}, then {@link #DONE} or {@link #FAILED}; written through COMPLETED. */
    private volatile int completed;

    /**
     * @param originSet   the origins a failover sibling is picked from
     * @param originIndex the origin's index in {@code originSet}, or -1 when it is not in it (a pinned origin that
     *                    steering would not pick: draining or weight 0)
     * @param origin      the origin to forward to
     */
    Attempt(LbPlan lb, OutcomeListener listener, CandidateList candidates, long usable, int poolIndex, PoolPlan pool,
            OriginSet originSet, int originIndex, OriginPlan origin, long clientHash, String clientHost,
            List<Map.Entry<String, String>> requestHeaders, List<Map.Entry<String, String>> rayHeaders,
            List<Map.Entry<String, String>> responseHeaders, boolean retry, Session session, int role) {
        this.lb = lb;
        this.listener = listener;
        this.candidates = candidates;
        this.usable = usable;
        this.poolIndex = poolIndex;
        this.pool = pool;
        this.originSet = originSet;
        this.originIndex = originIndex;
        this.origin = origin;
        this.clientHash = clientHash;
        this.clientHost = clientHost;
        this.hostHeader = origin.hostOverride != null ? origin.hostOverride : clientHost;
        this.requestHeaders = requestHeaders;
        this.rayHeaders = rayHeaders;
        this.responseHeaders = responseHeaders;
        this.retry = retry;
        this.session = session;
        this.role = role;
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
    public boolean forwardsUnderscoreHeaders() {
        return lb.underscoresInHeaders;
    }

    /** The response headers: without the Set-Cookie once this attempt's origin failed (no pin on a failure). */
    @Override
    public List<Map.Entry<String, String>> responseHeaders() {
        return completed == FAILED ? rayHeaders : responseHeaders;
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
        final boolean failed = outcome == Outcome.CONNECT_FAILED || outcome == Outcome.EXCHANGE_FAILED;
        if (COMPLETED.compareAndSet(this, OPEN, failed ? FAILED : DONE)) {
            origin.inFlight.decrementAndGet();
            pool.inFlight.decrementAndGet();
            if (failed && role == NEW_PIN) {
                session.unpin(pool.seed, origin.identityHash);
            }
            listener.completed(this, outcome, status, upstreamNanos);
        }
    }

    /**
     * Tells {@code recorder} what the affinity stage did for this (first) attempt: served on the pin (hit), pinned a
     * new session (miss) or replaced a broken or shed pin (re-pin). A pin kept but served elsewhere
     * ({@code temporary}) and a request without a session are neither.
     */
    void recordAffinity(AffinityRecorder recorder) {
        if (role == PINNED) {
            recorder.hit(lb.id);
        } else if (role == NEW_PIN) {
            if (session.pinned()) {
                recorder.repinned(lb.id);
            } else {
                recorder.miss(lb.id);
            }
        }
    }

    @Override
    public RouteDecision.Forward failover(UpstreamFailure failure) {
        return failure != null && failure.failoverEligible() ? another() : null;
    }

    @Override
    public RouteDecision.Forward retryElsewhere(UpstreamFailure failure) {
        return failure == UpstreamFailure.UNKNOWN_ERROR ? another() : null;
    }

    /** The one retry on another usable origin: a sibling in this pool, else (if allowed) the next usable pool. */
    private RouteDecision.Forward another() {
        if (retry) {
            return null;
        }
        if (role == PINNED && lb.failoverMode == FailoverMode.NONE) {
            return null; // spec §5.3: a pinned request fails
        }
        final int sibling = pool.originSteering.pick(originSet, clientHash, originIndex);
        if (sibling >= 0) {
            return retry(candidates, usable, poolIndex, pool, originSet, sibling);
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
        return retry(candidates, others, next, nextPool, nextPool.origins, nextOrigin);
    }

    /** The retry attempt, pinning as the role and the failover mode require. */
    private Attempt retry(CandidateList candidates, long usable, int poolIndex, PoolPlan pool, OriginSet set,
                          int index) {
        final OriginPlan next = set.get(index);
        final boolean repin = role == NEW_PIN || role == PINNED && lb.failoverMode == FailoverMode.STICKY;
        final List<Map.Entry<String, String>> headers = repin
                ? PinHeaders.of(rayHeaders, session.pin(pool.seed, next.identityHash)) : rayHeaders;
        return new Attempt(lb, listener, candidates, usable, poolIndex, pool, set, index, next, clientHash,
                clientHost, requestHeaders, rayHeaders, headers, true, session, repin ? NEW_PIN : role);
    }

    @Override
    public String toString() {
        return "Forward[lb=" + lb.name + ", pool=" + pool.id + ", origin=" + origin.name + " " + origin.scheme
                + "://" + origin.address + ':' + origin.port + (retry ? ", retry" : "")
                + (role == PINNED ? ", pinned" : role == NEW_PIN ? ", new pin" : role == KEPT ? ", pin kept" : "")
                + ']';
    }
}
