package dev.fulcrum.routing;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.routing.origin.Hashing;
import dev.fulcrum.upstream.ForwardHeaders;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The routing core: turns a request into a {@link RouteDecision} by the stages of spec §4.1 over one immutable
 * {@link RoutingSnapshot}.
 *
 * <p>Stages (STYLE point 3): host → [rules, wave 2] → [affinity, wave 2] → candidates by policy →
 * usable (enabled, {@code minimum_origins}, not shed) → pick → fallback → origin. Each filter's empty result
 * moves to the next stage: no usable candidate means the fallback pool; an unusable fallback means 530/1016.
 *
 * <p>Concurrency: {@link #route} takes no lock. It reads the volatile {@link #snapshot} once and touches only
 * immutable plans and atomic counters. {@link #update(ConfigSnapshot)} and {@link #update(HealthSnapshot)} are
 * serialised, rebuild the whole snapshot from the latest of both inputs and publish it with one volatile write;
 * a request already in progress finishes on the snapshot it started with. In-flight counters survive rebuilds
 * (see {@link LoadRegistry}).
 *
 * <p>Failure: an update the router cannot use (e.g. an unknown policy name that slipped past validation) throws
 * IllegalArgumentException and leaves the previous snapshot serving.
 *
 * <p>Connections for {@code least_connections}: the wrapper reports connection open/close to {@link #connections()};
 * until it reports any, in-flight requests stand in (see {@link OriginConnections}).
 */
public final class SnapshotRouter implements Router {

    private final RoutingSettings settings;
    private final OriginConnections connections;
    private final OutcomeListener listener;
    private final LoadRegistry loads = new LoadRegistry();
    private final Object updateLock = new Object();

    /** The one thing {@link #route} reads; replaced wholesale on every update. */
    private volatile RoutingSnapshot snapshot = RoutingSnapshot.EMPTY;

    /** A router with no load balancers yet; call {@link #update(ConfigSnapshot)} before it routes anything. */
    public SnapshotRouter(RoutingSettings settings) {
        this(settings, new OriginConnections());
    }

    /** As {@link #SnapshotRouter(RoutingSettings)}, sharing a connection tracker the upstream client feeds. */
    public SnapshotRouter(RoutingSettings settings, OriginConnections connections) {
        this(settings, connections, OutcomeListener.NONE);
    }

    /** As above, also telling {@code listener} every outcome the wrapper reports (metrics). */
    public SnapshotRouter(RoutingSettings settings, OriginConnections connections, OutcomeListener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Rebuilds the routing snapshot for a new configuration (health results are kept). */
    public void update(ConfigSnapshot config) {
        Objects.requireNonNull(config, "config");
        synchronized (updateLock) {
            final RoutingSnapshot current = snapshot;
            if (current.config == config) {
                return;
            }
            snapshot = RoutingSnapshot.build(current, config, current.health, settings, loads, connections);
        }
    }

    /** Rebuilds the routing snapshot for new health results (configuration is kept). */
    public void update(HealthSnapshot health) {
        Objects.requireNonNull(health, "health");
        synchronized (updateLock) {
            final RoutingSnapshot current = snapshot;
            if (current.health == health) {
                return;
            }
            snapshot = RoutingSnapshot.build(current, current.config, health, settings, loads, connections);
        }
    }

    /**
     * True when {@code host} (a Host header value, port and trailing dot allowed) names an enabled load balancer.
     * Containers that also serve their own sites ask this first and hand every other request to their own handlers;
     * {@link #route} still decides the requests it answers true for.
     */
    public boolean serves(String host) {
        return snapshot.hosts.find(host) != null;
    }

    /** The connection tracker the wrapper reports to (for {@code least_connections}). */
    public OriginConnections connections() {
        return connections;
    }

    public RoutingSettings settings() {
        return settings;
    }

    /** The configuration revision the router currently serves. */
    public long revision() {
        return snapshot.config.revision();
    }

    /** Requests in flight to a pool right now (all load balancers together). */
    public int outstanding(String poolId) {
        return loads.poolOutstanding(poolId);
    }

    /** Requests in flight to one origin of a pool right now; {@code port} as configured (0 allowed). */
    public int outstanding(String poolId, String address, int port) {
        return loads.originOutstanding(poolId, HealthSnapshot.originKey(address, port));
    }

    /** The snapshot currently served (tests look at plan reuse through it). */
    RoutingSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public RouteDecision route(RequestView request) {
        final RoutingSnapshot s = snapshot;

        // Stage: host. Unknown or disabled: no decision, the wrapper must not proxy.
        final LbPlan lb = s.hosts.find(request.host());
        if (lb == null) {
            return null;
        }
        final String rayId = ForwardHeaders.newRayId(settings.colo());
        final String sentCdnLoop = request.header(ForwardHeaders.CDN_LOOP);
        if (ForwardHeaders.isLoop(sentCdnLoop)) {
            return ErrorPages.loop(rayId);
        }

        // Stage: rules (spec §6) belong here, wave 2: they may answer (fixed response) or swap the effective
        // plan's pools and policy before candidates are built.
        // Stage: affinity (spec §5) belongs here, wave 2: a valid pin to a usable origin skips the stages below.

        // Stages: candidates → usable (precomputed per snapshot, shedding per request) → pick.
        final String clientAddress = request.clientAddress();
        final long clientHash = Hashing.of(clientAddress == null ? "" : clientAddress);
        final CandidateList candidates = lb.candidatesFor(request, settings);
        final long usable = candidates.usableFor(clientHash);
        final int poolIndex = lb.steering.choose(candidates, usable);

        // Stage: fallback. Its health is ignored, but it must be enabled with an enabled, weighted origin.
        final PoolPlan pool;
        final OriginSet originSet;
        if (poolIndex >= 0) {
            pool = candidates.pool(poolIndex);
            originSet = pool.origins;
        } else {
            pool = lb.fallback;
            if (pool == null || pool.fallbackOrigins.isEmpty()) {
                return ErrorPages.noOrigin(request.host(), rayId);
            }
            originSet = pool.fallbackOrigins;
        }

        // Stage: origin.
        final int originIndex = pool.originSteering.pick(originSet, clientHash, -1);
        if (originIndex < 0) {
            return ErrorPages.noOrigin(request.host(), rayId);
        }
        final String sentHost = request.header("Host");
        final List<Map.Entry<String, String>> requestHeaders = ForwardHeaders.requestHeaders(clientAddress,
                request.scheme(), request.header(ForwardHeaders.X_FORWARDED_FOR), sentCdnLoop, rayId);
        return new Attempt(lb, listener, candidates, usable, poolIndex, pool, originSet, originIndex, clientHash,
                sentHost != null ? sentHost : request.host(), requestHeaders, ErrorPages.rayHeader(rayId), false);
    }
}
