package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigError;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;
import dev.fulcrum.config.json.ConfigJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Load balancers of a zone (spec §1, §7.1): list, create, get, PUT (full replace), PATCH (top-level merge), delete.
 *
 * <p>Every write is checked against the snapshot it commits on, inside the store mutation, so a concurrent delete of
 * a pool cannot slip between the check and the commit: each pool the load balancer names must belong to the zone's
 * account (1002), the name must be a hostname in the zone (1002) and unique (1003).
 */
final class LoadBalancerResource {

    private final ApiContext ctx;

    LoadBalancerResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Routes routes) {
        routes.collection("zones/{zone_id}/load_balancers", "lb_id",
                new Routes.Collection(this::list, this::create, this::get, this::replace, this::patch, this::delete));
    }

    private ObjectNode list(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Zone zone = Lookups.zone(s, call);
        final List<LoadBalancer> all = s.loadBalancers().values().stream()
                .filter(lb -> lb.zoneId().equals(zone.id())).sorted(References.LB_ORDER).toList();
        final ArrayNode result = JsonNodeFactory.instance.arrayNode();
        all.forEach(lb -> result.add(ctx.json().write(lb, zone.name())));
        return Envelope.success(result, Envelope.ResultInfo.singlePage(all.size()));
    }

    private ObjectNode get(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Zone zone = Lookups.zone(s, call);
        return Envelope.success(ctx.json().write(Lookups.loadBalancer(s, zone, call), zone.name()));
    }

    private ObjectNode create(Call call) {
        final Zone zone = Lookups.zone(ctx.store().current(), call);
        final ObjectNode body = call.objectBody();
        final String id = Ids.newId();
        final Instant now = ctx.now();
        final LoadBalancer lb = ctx.json().readLoadBalancer(body, new ConfigJson.Meta(id, zone.id(), now, now));
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            check(ctx.index(s), Lookups.zone(s, call), lb);
            return ConfigEdit.putting(lb);
        }).next();
        return written(committed, call, id);
    }

    private ObjectNode replace(Call call) {
        final Zone zone = Lookups.zone(ctx.store().current(), call);
        Lookups.loadBalancer(ctx.store().current(), zone, call);
        final ObjectNode body = call.objectBody();
        final Instant now = ctx.now();
        final String id = call.param("lb_id");
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            final Zone z = Lookups.zone(s, call);
            final LoadBalancer old = Lookups.loadBalancer(s, z, call);
            final LoadBalancer lb = ctx.json().readLoadBalancer(body,
                    new ConfigJson.Meta(id, z.id(), old.createdOn(), now));
            check(ctx.index(s), z, lb);
            return ConfigEdit.putting(lb);
        }).next();
        return written(committed, call, id);
    }

    private ObjectNode patch(Call call) {
        final Zone zone = Lookups.zone(ctx.store().current(), call);
        Lookups.loadBalancer(ctx.store().current(), zone, call);
        final ObjectNode body = call.objectBody();
        final Instant now = ctx.now();
        final String id = call.param("lb_id");
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            final Zone z = Lookups.zone(s, call);
            final LoadBalancer old = Lookups.loadBalancer(s, z, call);
            final ObjectNode merged = ctx.json().mergeLoadBalancer(old, z.name(), body);
            final LoadBalancer lb = ctx.json().readLoadBalancer(merged,
                    new ConfigJson.Meta(id, z.id(), old.createdOn(), now));
            check(ctx.index(s), z, lb);
            return ConfigEdit.putting(lb);
        }).next();
        return written(committed, call, id);
    }

    private ObjectNode delete(Call call) {
        final String id = call.param("lb_id");
        ctx.store().commit(s -> {
            Lookups.loadBalancer(s, Lookups.zone(s, call), call);
            return ConfigEdit.deleting(ConfigKind.LOAD_BALANCER, id);
        });
        return Envelope.deleted(id);
    }

    private ObjectNode written(ConfigSnapshot committed, Call call, String id) {
        final LoadBalancer lb = committed.loadBalancers().get(id);
        return Envelope.success(ctx.json().write(lb, committed.zones().get(lb.zoneId()).name()));
    }

    /** The checks that need the rest of the configuration: 1002 for the name and pool references, then 1003. */
    static void check(ConfigIndex index, Zone zone, LoadBalancer lb) {
        final ConfigSnapshot s = index.config();
        final List<ConfigError> errors = new ArrayList<>();
        final String name = lb.name().toLowerCase(Locale.ROOT);
        if (!name.equals(zone.name()) && !name.endsWith('.' + zone.name())) {
            errors.add(new ConfigError("name", "name: '" + lb.name() + "' (expected: a hostname inside zone "
                    + zone.name() + ")", 1002));
        }
        for (References.PoolUse use : References.poolUses(lb)) {
            final Pool pool = s.pools().get(use.poolId());
            if (pool == null || !pool.accountId().equals(zone.accountId())) {
                errors.add(new ConfigError(use.path(), use.path() + ": '" + Paging.clip(use.poolId())
                        + "' (expected: the id of a pool in this account)", 1002));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        // Names are unique across all zones, not only this one: the router finds a load balancer by Host alone.
        final boolean taken = index.loadBalancersNamed(lb.name()).stream().anyMatch(id -> !id.equals(lb.id()));
        if (taken) {
            throw ApiError.notUnique("name", lb.name(), "a name no other load balancer has, in any zone");
        }
    }
}
