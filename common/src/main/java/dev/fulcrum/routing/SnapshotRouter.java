package dev.fulcrum.routing;

import dev.fulcrum.affinity.AffinityCookieCodec;
import dev.fulcrum.affinity.AffinityKey;
import dev.fulcrum.affinity.AffinitySettings;
import dev.fulcrum.affinity.Session;
import dev.fulcrum.affinity.SessionStore;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.health.HealthChange;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.request.Hashing;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.routing.origin.OriginSteering;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The routing core: turns a request into a {@link RouteDecision} by the stages of spec §4.1 over one immutable
 * {@link RoutingSnapshot}.
 *
 * <p>Stages (STYLE point 3): host → pool sets → rules → affinity → candidates by policy →
 * usable (enabled, {@code minimum_origins}, not shed) → pick → fallback → origin. Each filter's empty result
 * moves to the next stage: no usable candidate means the fallback pool; an unusable fallback means 530/1016.
 *
 * <p>Rules (spec §6): conditions are compiled and every rule's overrides turned into a plan when the snapshot is
 * built ({@link RulePlan}); per request the stage only evaluates conditions and picks a plan, or answers a fixed
 * response. A load balancer without rules pays one null check. The request's CF-Ray and loop check come first, so
 * a fixed response carries CF-Ray and a looping request is refused before any rule runs; so is a method no load
 * balancer forwards ({@code CONNECT}, {@code TRACE}: 405). Conditions that read the
 * time ({@code http.request.timestamp.sec}) use the same clock as affinity.
 *
 * <p>Pool sets (spec §4.6) run before the rules, the same way: a plan per set this node can match, built with the
 * snapshot ({@link PoolSetPlan}); a matching set's plan carries the rules, which then override it. A load balancer
 * without pool sets pays one null check.
 *
 * <p>Affinity (spec §5): the stage reads the session from the request's own headers only (never from the
 * connection) and resolves its pin against the load balancer's {@link PinTargets}. A pin to a servable origin
 * ({@link PinTarget}: enabled and healthy, or draining within {@code drain_duration}) skips steering and weights and
 * sets no cookie. A pin that is broken (unknown origin, disabled after the drain, unhealthy under {@code none} or
 * {@code sticky}, expired or invalid cookie) or shed by {@code session_percent} (its pool excluded for this
 * request) goes through the stages below and is re-pinned to the result (Set-Cookie for cookies). Under
 * {@code temporary} an unhealthy pin is served by normal steering and kept. New {@code ip_cookie} sessions are
 * placed by a hash of the client address instead of the policy's random draw. Default shedding
 * ({@code default_percent}) applies to new sessions, not to pinned ones.
 *
 * <p>Concurrency: {@link #route} takes no lock. It reads the volatile {@link #snapshot} once and touches only
 * immutable plans and atomic counters. The updates are serialised, make the next snapshot from the current one and
 * the difference ({@link ConfigChange}, {@link HealthChange}: only the plans it touches are rebuilt, see
 * {@link RoutingSnapshot}) and publish it with one volatile write; a request already in progress finishes on the
 * snapshot it started with. In-flight counters survive rebuilds
 * (see {@link LoadRegistry}), and so do {@code header} affinity sessions ({@link SessionStore}, lock-free on the
 * request path). Load balancers with affinity read the clock once per request.
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
    /** Told the affinity stage's result of each routed request (metrics). */
    private final AffinityRecorder affinityRecorder;
    private final AffinitySettings affinitySettings;
    private final AffinityCookieCodec codec;
    private final SessionStore sessions;
    /** Wall clock of the affinity stage: cookie expiry, drain, header session idle time. */
    private final Clock clock;
    private final LoadRegistry loads = new LoadRegistry();
    private final RoutingSnapshot.Builders builders;
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

    /**
     * As above, also telling {@code listener} every outcome the wrapper reports (metrics). Affinity cookies are
     * signed with a random key, so they are honoured by this router only: a runtime passes its
     * {@link AffinitySettings} instead.
     */
    public SnapshotRouter(RoutingSettings settings, OriginConnections connections, OutcomeListener listener) {
        this(settings, connections, listener, AffinitySettings.ephemeral());
    }

    /** As above, with the affinity key, clock and header session cap. */
    public SnapshotRouter(RoutingSettings settings, OriginConnections connections, OutcomeListener listener,
                          AffinitySettings affinity) {
        this(settings, connections, listener, affinity, AffinityRecorder.NONE);
    }

    /** As above, also telling {@code affinityRecorder} whether each request kept, made or replaced its pin. */
    public SnapshotRouter(RoutingSettings settings, OriginConnections connections, OutcomeListener listener,
                          AffinitySettings affinity, AffinityRecorder affinityRecorder) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.affinityRecorder = Objects.requireNonNull(affinityRecorder, "affinityRecorder");
        this.affinitySettings = Objects.requireNonNull(affinity, "affinity");
        this.codec = new AffinityCookieCodec(affinity.key());
        this.sessions = new SessionStore(affinity.maxHeaderSessions());
        this.clock = affinity.clock();
        this.builders = new RoutingSnapshot.Builders(settings, loads, connections, codec, sessions);
    }

    /**
     * Adopts a new configuration (health results are kept), comparing it whole with the current one: for callers
     * that have only the snapshot. The store's listeners use {@link #update(ConfigChange)}.
     */
    public void update(ConfigSnapshot config) {
        Objects.requireNonNull(config, "config");
        synchronized (updateLock) {
            final RoutingSnapshot current = snapshot;
            if (current.config == config) {
                return;
            }
            apply(ConfigChange.between(current.config, config), null);
        }
    }

    /** Adopts a committed change: only the plans it touches are rebuilt. */
    public void update(ConfigChange change) {
        Objects.requireNonNull(change, "change");
        synchronized (updateLock) {
            apply(change, null);
        }
    }

    /** Adopts new health results (configuration is kept), comparing them whole with the current ones. */
    public void update(HealthSnapshot health) {
        Objects.requireNonNull(health, "health");
        synchronized (updateLock) {
            final RoutingSnapshot current = snapshot;
            if (current.health == health) {
                return;
            }
            apply(null, HealthChange.between(current.health, health));
        }
    }

    /** Adopts a health publication: only the pools whose results changed, and their users, are rebuilt. */
    public void update(HealthChange change) {
        Objects.requireNonNull(change, "change");
        synchronized (updateLock) {
            apply(null, change);
        }
    }

    private void apply(ConfigChange config, HealthChange health) {
        final RoutingSnapshot current = snapshot;
        final ConfigChange c = config == null ? ConfigChange.none(current.config) : config.since(current.config);
        final HealthChange h = health == null ? HealthChange.none(current.health)
                : health.since(current.health);
        snapshot = current.update(c, h, builders);
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

    /**
     * Signs and checks {@code __cflb} cookies with {@code key} from the next request on (a cluster's shared key
     * replaced on another node); the plans need no rebuild, they share this router's codec.
     */
    public void affinityKey(AffinityKey key) {
        codec.rekey(key);
    }

    /** The fingerprint of the key cookies are signed with now (see {@link AffinityKey#fingerprint()}). */
    public String affinityKeyFingerprint() {
        return codec.key().fingerprint();
    }

    public AffinitySettings affinitySettings() {
        return affinitySettings;
    }

    /** The node's {@code header} affinity sessions (size and eviction counts for metrics). */
    public SessionStore headerSessions() {
        return sessions;
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
        // Stage: host, looked up once per request. Unknown or disabled: no decision, the wrapper must not proxy.
        final LbPlan hostPlan = snapshot.hosts.find(request.host());
        if (hostPlan == null) {
            return null;
        }
        final RouteDecision decision = decide(request, hostPlan);
        if (decision instanceof Attempt attempt) {
            attempt.recordAffinity(affinityRecorder);
        } else if (decision instanceof RouteDecision.Respond respond) {
            listener.answered(hostPlan.id, respond);
        }
        return decision;
    }

    private RouteDecision decide(RequestView request, LbPlan hostPlan) {
        final String rayId = ForwardHeaders.newRayId(settings.colo());
        final String sentCdnLoop = request.header(ForwardHeaders.CDN_LOOP);
        if (ForwardHeaders.isLoop(sentCdnLoop)) {
            return ErrorPages.loop(rayId);
        }
        final String method = request.method();
        if (ErrorPages.refusedMethod(method)) {
            return ErrorPages.methodNotAllowed(method, rayId);
        }

        // Stage: pool sets (spec §4.6). A fixed response answers; a matching set's plan is the base of the rules.
        LbPlan base = hostPlan;
        if (hostPlan.poolSets != null) {
            final RulePlan.Result set = hostPlan.poolSets.select(request, settings);
            if (set.fixed != null) {
                return set.fixed.respond(rayId);
            }
            base = set.plan;
        }

        // Stage: rules (spec §6). A fixed response answers; overrides swap in the plan built for them.
        final LbPlan lb;
        if (base.rules == null) {
            lb = base;
        } else {
            final RulePlan.Result ruled = base.rules.evaluate(request, settings.region(), clock);
            if (ruled.fixed != null) {
                return ruled.fixed.respond(rayId);
            }
            lb = ruled.plan;
        }

        final String clientAddress = request.clientAddress();
        final long clientHash = Hashing.of(clientAddress == null ? "" : clientAddress);
        final CandidateList candidates = lb.candidatesFor(request, settings);

        // Stage: affinity. A servable pin skips every stage below.
        Session session = null;
        int role = Attempt.NO_SESSION;
        PoolPlan shedFrom = null;
        if (lb.affinity != null) {
            final long now = clock.millis();
            session = lb.affinity.session(request, now);
            if (session != null) {
                role = Attempt.NEW_PIN;
                if (session.pinned()) {
                    final PinTarget pin = lb.pins.find(session.poolHash(), session.originHash());
                    final int use = pin == null ? PinTarget.BREAK : pin.use(now, session.keyHash(), lb.failoverMode);
                    if (use == PinTarget.USE) {
                        return pinned(request, lb, candidates, pin, session, clientAddress, clientHash, rayId,
                                sentCdnLoop);
                    } else if (use == PinTarget.KEEP) {
                        role = Attempt.KEPT;
                    } else if (use == PinTarget.SHED) {
                        shedFrom = pin.pool;
                    }
                }
            }
        }

        // Stages: candidates → usable (precomputed per snapshot, shedding per request) → pick.
        long usable = candidates.usableFor(clientHash);
        if (shedFrom != null) {
            final int shed = candidates.indexOf(shedFrom);
            if (shed >= 0) {
                usable &= ~(1L << shed);
            }
        }
        final boolean byAddress = session != null && session.placedByClientAddress();
        final int poolIndex = byAddress && !lb.deterministicSteering ? candidates.placeByHash(usable, clientHash)
                : lb.steering.choose(candidates, usable);

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
        final int originIndex = (byAddress ? OriginSteering.hash() : pool.originSteering)
                .pick(originSet, clientHash, -1);
        if (originIndex < 0) {
            return ErrorPages.noOrigin(request.host(), rayId);
        }
        final OriginPlan origin = originSet.get(originIndex);
        final List<Map.Entry<String, String>> rayHeaders = ErrorPages.rayHeader(rayId);
        final List<Map.Entry<String, String>> responseHeaders = role == Attempt.NEW_PIN
                ? PinHeaders.of(rayHeaders, session.pin(pool.seed, origin.identityHash)) : rayHeaders;
        return new Attempt(lb, listener, candidates, usable, poolIndex, pool, originSet, originIndex, origin,
                clientHash, clientHost(request), requestHeaders(request, clientAddress, sentCdnLoop, rayId),
                rayHeaders, responseHeaders, false, session, role);
    }

    /**
     * The decision for a request served on its pin: straight to the pinned origin, no cookie. A failover retry
     * stays within the pinned pool unless it is one of this request's candidates (then the next pool may follow).
     */
    private Attempt pinned(RequestView request, LbPlan lb, CandidateList candidates, PinTarget pin, Session session,
                           String clientAddress, long clientHash, String rayId, String sentCdnLoop) {
        final List<Map.Entry<String, String>> rayHeaders = ErrorPages.rayHeader(rayId);
        return new Attempt(lb, listener, candidates, candidates.usable, candidates.indexOf(pin.pool), pin.pool,
                pin.pool.origins, pin.pickIndex, pin.origin, clientHash, clientHost(request),
                requestHeaders(request, clientAddress, sentCdnLoop, rayId), rayHeaders, rayHeaders, false,
                session, Attempt.PINNED);
    }

    private static String clientHost(RequestView request) {
        return request.authority();
    }

    private static List<Map.Entry<String, String>> requestHeaders(RequestView request, String clientAddress,
                                                                  String sentCdnLoop, String rayId) {
        return ForwardHeaders.requestHeaders(clientAddress, request.peerAddress(), request.scheme(),
                request.headers(ForwardHeaders.X_FORWARDED_FOR), sentCdnLoop, rayId);
    }
}
