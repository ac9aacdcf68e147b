package dev.fulcrum.routing;

import dev.fulcrum.config.LoadShedding;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.OriginHealth;
import dev.fulcrum.health.PoolHealth;
import dev.fulcrum.request.Hashing;
import dev.fulcrum.routing.origin.OriginSteering;
import dev.fulcrum.routing.steering.GreatCircle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pool as the router uses it in one snapshot: its health folded into "usable" once, the origins each stage may
 * pick from, and its load-shedding rule. Shared by every load balancer that lists the pool.
 *
 * <p>Usable (spec §2.3): healthy enough by {@link PoolHealth#healthyEnough} (the pool health API's own definition:
 * enabled, and either unmonitored or with at least {@code minimum_origins} healthy enabled origins), and with at
 * least one origin that {@link OriginHealth#usable()} (no reason against it: healthy when monitored, enabled,
 * weight &gt; 0). A monitored origin with no result yet is not healthy. The last condition is ours [G]: a pool whose
 * healthy origins all have weight 0 could not take the request anyway, so steering moves on instead of failing.
 *
 * <p>As the fallback (spec §4.5) the pool's health is ignored: it must be enabled and have an enabled origin with
 * weight &gt; 0; among those the healthy ones are preferred when there are any.
 *
 * <p>For the affinity stage it also keeps, per configured origin, what a pin to it may do ({@link #healthOf},
 * {@link #pickIndexOf}), the drain start ({@code disabled_at}) and the {@code session_percent} shedding rule.
 */
final class PoolPlan {

    final String id;
    /** What this plan was built from; a rebuild reuses the plan when both are equal (see {@link #builtFrom}). */
    private final Pool source;
    private final Map<String, OriginHealth> healthSource;
    final boolean enabled;
    final boolean usable;
    /** What normal steering picks from; empty when the pool is not usable. */
    final OriginSet origins;
    /** What the pool picks from as the fallback; empty = 530/1016. */
    final OriginSet fallbackOrigins;
    final OriginSteering originSteering;
    final AtomicInteger inFlight;
    /** Average probe RTT over healthy origins, NaN without data. */
    final double rttMillis;
    /** Distance from this node, NaN when either location is unknown. */
    final double distanceKm;
    /** Share of new traffic shed, 0–1. */
    final double shedFraction;
    final boolean shedByHash;
    /** Mixed into the client hash so different pools shed different slices of the address space; also the
     *  pool's hash in affinity pins. */
    final long seed;
    /** Seeds for {@code ip_cookie} placement and session shedding, apart from {@link #seed} so the draws do not
     *  correlate with default shedding. */
    final long placementSeed;
    private final long sessionSeed;
    /** Share of existing affinity sessions shed ({@code session_percent}), 0–1. */
    final double sessionShedFraction;
    /** Enabled and, when monitored, at least {@code minimum_origins} healthy: pins into it may be honoured. */
    final boolean healthyEnough;
    /** The pool's {@code disabled_at} in epoch ms, or {@link Long#MIN_VALUE} when enabled or unknown. */
    final long disabledAtMillis;
    private final OriginPlan[] all;
    /** Per entry of {@link #all}: the monitor's verdict folded with the configuration ({@link OriginHealth#of}). */
    private final OriginHealth[] health;
    /** Per entry of {@link #all}: its index in {@link #origins}, or -1. */
    private final int[] pickIndex;

    PoolPlan(Pool pool, HealthSnapshot health, RoutingSettings settings, LoadRegistry loads,
             OriginConnections connections) {
        this.id = pool.id();
        this.source = pool;
        this.healthSource = pool.monitored() ? health.pools().get(pool.id()) : null;
        this.enabled = pool.enabled();
        this.originSteering = OriginSteering.of(pool.originSteering());
        this.inFlight = loads.pool(id);
        this.seed = Hashing.of(id);
        this.placementSeed = Hashing.combine(seed, 0x5ca1ab1e0ddba11L);
        this.sessionSeed = Hashing.combine(seed, 0x5e55_10_05_5eedL);
        this.disabledAtMillis = pool.enabled() || pool.disabledAt() == null ? Long.MIN_VALUE
                : pool.disabledAt().toEpochMilli();

        final boolean monitored = pool.monitored();
        final List<OriginHealth> folded = PoolHealth.origins(pool, health);
        final List<OriginPlan> all = new ArrayList<>();
        final List<OriginPlan> pickable = new ArrayList<>();
        final List<OriginPlan> healthyWeighted = new ArrayList<>();
        final List<OriginPlan> enabledWeighted = new ArrayList<>();
        double rttSum = 0;
        int rttCount = 0;
        for (int i = 0; i < pool.origins().size(); i++) {
            final Origin origin = pool.origins().get(i);
            final String key = HealthSnapshot.originKey(origin.address(), origin.port());
            final OriginPlan plan = new OriginPlan(origin, loads.origin(id, key), connections);
            all.add(plan);
            if (!origin.enabled()) {
                continue;
            }
            final OriginHealth result = folded.get(i);
            // Healthy by a verdict: an unmonitored origin has none, so it neither adds an RTT nor is preferred
            // as the fallback's healthy origin.
            final boolean healthy = monitored && result.healthy();
            if (healthy && !Double.isNaN(result.rttMillis()) && result.rttMillis() >= 0) {
                rttSum += result.rttMillis();
                rttCount++;
            }
            if (origin.weight() > 0) {
                enabledWeighted.add(plan);
                if (healthy) {
                    healthyWeighted.add(plan);
                }
            }
            if (result.usable()) {
                pickable.add(plan);
            }
        }
        this.all = all.toArray(new OriginPlan[0]);
        this.healthyEnough = PoolHealth.healthyEnough(pool, folded);
        this.usable = healthyEnough && !pickable.isEmpty();
        this.origins = new OriginSet(usable ? pickable.toArray(new OriginPlan[0]) : new OriginPlan[0], connections);
        this.fallbackOrigins = new OriginSet(!enabled ? new OriginPlan[0]
                : (healthyWeighted.isEmpty() ? enabledWeighted : healthyWeighted).toArray(new OriginPlan[0]),
                connections);
        this.rttMillis = rttCount == 0 ? Double.NaN : rttSum / rttCount;
        this.distanceKm = pool.hasCoordinates() && settings.hasCoordinates()
                ? GreatCircle.distanceKm(settings.latitude(), settings.longitude(), pool.latitude(), pool.longitude())
                : Double.NaN;

        final LoadShedding shedding = pool.loadShedding();
        this.shedFraction = shedding == null ? 0 : Math.max(0, Math.min(100, shedding.defaultPercent())) / 100.0;
        final String policy = shedding == null || shedding.defaultPolicy() == null ? "random"
                : shedding.defaultPolicy().toLowerCase(Locale.ROOT);
        if (!policy.equals("random") && !policy.equals("hash") && !policy.isEmpty()) {
            throw new IllegalArgumentException("load_shedding.default_policy: "
                    + shedding.defaultPolicy() + " (expected: random, hash)");
        }
        this.shedByHash = policy.equals("hash");
        this.sessionShedFraction = shedding == null ? 0
                : Math.max(0, Math.min(100, shedding.sessionPercent())) / 100.0;
        final String sessionPolicy = shedding == null ? null : shedding.sessionPolicy();
        if (sessionPolicy != null && !sessionPolicy.isEmpty() && !sessionPolicy.equals("hash")) {
            throw new IllegalArgumentException("load_shedding.session_policy: " + sessionPolicy + " (expected: hash)");
        }

        this.health = folded.toArray(new OriginHealth[0]);
        this.pickIndex = new int[this.all.length];
        for (int i = 0; i < this.all.length; i++) {
            pickIndex[i] = -1;
            for (int j = 0; j < origins.size(); j++) {
                if (origins.get(j) == this.all[i]) {
                    pickIndex[i] = j;
                    break;
                }
            }
        }
    }

    /**
     * True when an existing affinity session is shed from this pool (spec §2.2 {@code session_percent}, policy
     * {@code hash}): a fixed slice of the session-key hash space, so the same sessions move every time.
     */
    boolean shedsSession(long sessionHash) {
        return sessionShedFraction > 0
                && Hashing.unit(Hashing.combine(sessionHash, sessionSeed)) < sessionShedFraction;
    }

    /** What the monitor and the configuration say about entry {@code i} of {@link #allOrigins()}. */
    OriginHealth healthOf(int i) {
        return health[i];
    }

    /** The index of entry {@code i} of {@link #allOrigins()} in {@link #origins}, or -1 when normal steering
     *  would not pick it (disabled, unhealthy, weight 0, or the pool is not usable). */
    int pickIndexOf(int i) {
        return pickIndex[i];
    }

    /** True when this request is shed from the pool (spec §2.2): random per request, or a fixed hash slice. */
    boolean sheds(long clientHash) {
        if (shedFraction <= 0) {
            return false;
        }
        final double draw = shedByHash ? Hashing.unit(Hashing.combine(clientHash, seed))
                : ThreadLocalRandom.current().nextDouble();
        return draw < shedFraction;
    }

    /**
     * True when this plan would come out the same from {@code pool} and {@code health}: the same pool
     * configuration and, for a monitored pool, the same results for it. Health of other pools, and any health of
     * an unmonitored pool, does not matter. Lets a health flip of one pool rebuild only that pool.
     */
    boolean builtFrom(Pool pool, HealthSnapshot health) {
        if (source != pool && !source.equals(pool)) {
            return false;
        }
        if (!pool.monitored()) {
            return true;
        }
        final Map<String, OriginHealth> now = health.pools().get(pool.id());
        return healthSource == now || Objects.equals(healthSource, now);
    }

    /** Every configured origin, enabled or not (counter retention). */
    OriginPlan[] allOrigins() {
        return all;
    }
}
