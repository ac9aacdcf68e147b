package dev.fulcrum.routing;

import dev.fulcrum.config.LoadShedding;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.OriginHealth;
import dev.fulcrum.routing.origin.Hashing;
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
 * <p>Usable (spec §2.3): enabled, and either unmonitored or with at least {@code minimum_origins} healthy enabled
 * origins, and with at least one pickable origin (healthy when monitored, enabled, weight &gt; 0). A monitored
 * origin with no result yet is not healthy. The last condition is ours [G]: a pool whose healthy origins all have
 * weight 0 could not take the request anyway, so steering moves on instead of failing.
 *
 * <p>As the fallback (spec §4.5) the pool's health is ignored: it must be enabled and have an enabled origin with
 * weight &gt; 0; among those the healthy ones are preferred when there are any.
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
    /** Mixed into the client hash so different pools shed different slices of the address space. */
    final long seed;
    private final OriginPlan[] all;

    PoolPlan(Pool pool, HealthSnapshot health, RoutingSettings settings, LoadRegistry loads,
             OriginConnections connections) {
        this.id = pool.id();
        this.source = pool;
        this.healthSource = pool.monitor() == null ? null : health.pools().get(pool.id());
        this.enabled = pool.enabled();
        this.originSteering = OriginSteering.of(pool.originSteering());
        this.inFlight = loads.pool(id);
        this.seed = Hashing.of(id);

        final boolean monitored = pool.monitor() != null;
        final List<OriginPlan> all = new ArrayList<>();
        final List<OriginPlan> pickable = new ArrayList<>();
        final List<OriginPlan> healthyWeighted = new ArrayList<>();
        final List<OriginPlan> enabledWeighted = new ArrayList<>();
        int healthyCount = 0;
        double rttSum = 0;
        int rttCount = 0;
        for (Origin origin : pool.origins()) {
            final String key = HealthSnapshot.originKey(origin.address(), origin.port());
            final OriginPlan plan = new OriginPlan(origin, loads.origin(id, key), connections);
            all.add(plan);
            if (!origin.enabled()) {
                continue;
            }
            final OriginHealth result = monitored ? health.origin(id, key) : null;
            final boolean healthy = result != null && result.healthy();
            if (healthy) {
                healthyCount++;
                if (!Double.isNaN(result.rttMillis()) && result.rttMillis() >= 0) {
                    rttSum += result.rttMillis();
                    rttCount++;
                }
            }
            if (origin.weight() > 0) {
                enabledWeighted.add(plan);
                if (healthy) {
                    healthyWeighted.add(plan);
                }
                if (!monitored || healthy) {
                    pickable.add(plan);
                }
            }
        }
        this.all = all.toArray(new OriginPlan[0]);
        this.usable = enabled && (!monitored || healthyCount >= Math.max(1, pool.minimumOrigins()))
                && !pickable.isEmpty();
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
        if (pool.monitor() == null) {
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
