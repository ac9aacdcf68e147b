package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigError;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.json.ConfigJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Pools of an account (spec §2, §7.1): CRUD, the {@code ?monitor=} list filter, the bulk {@code PATCH /pools} of
 * {@code notification_email}, and {@code /pools/{id}/references}. A pool's monitor and monitor group must exist in
 * the same account (1002); a pool that a load balancer names cannot be deleted (1005/412).
 */
final class PoolResource {

    private static final String BULK_FIELD = "notification_email";

    private final ApiContext ctx;

    PoolResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Routes routes) {
        final String collection = "accounts/{account_id}/load_balancers/pools";
        final String item = routes.collection(collection, "pool_id",
                new Routes.Collection(this::list, this::create, this::get, this::replace, this::patch, this::delete));
        routes.add("PATCH", collection, this::bulkPatch);
        routes.add("GET", item + "/references", this::references);
    }

    private ObjectNode list(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Account account = Lookups.account(s, call);
        final String monitor = call.request().queryParam("monitor");
        final List<Pool> all = s.pools().values().stream()
                .filter(p -> p.accountId().equals(account.id()))
                .filter(p -> monitor == null || monitor.isEmpty() || monitor.equals(p.monitor()))
                .sorted(References.POOL_ORDER).toList();
        return collection(all);
    }

    private ObjectNode get(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        return Envelope.success(ctx.json().write(Lookups.pool(s, Lookups.account(s, call), call)));
    }

    private ObjectNode create(Call call) {
        final Account account = Lookups.account(ctx.store().current(), call);
        final ObjectNode body = call.objectBody();
        final String id = Ids.newId();
        final Instant now = ctx.now();
        final Pool pool = ctx.json().readPool(body, new ConfigJson.Meta(id, account.id(), now, now), null);
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            check(s, Lookups.account(s, call), pool);
            return ConfigEdit.putting(pool);
        }).next();
        return Envelope.success(ctx.json().write(committed.pools().get(id)));
    }

    private ObjectNode replace(Call call) {
        final ConfigSnapshot current = ctx.store().current();
        Lookups.pool(current, Lookups.account(current, call), call);
        final ObjectNode body = call.objectBody();
        final Instant now = ctx.now();
        final String id = call.param("pool_id");
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            final Account account = Lookups.account(s, call);
            final Pool old = Lookups.pool(s, account, call);
            final Pool pool = ctx.json().readPool(body,
                    new ConfigJson.Meta(id, account.id(), old.createdOn(), now), old);
            check(s, account, pool);
            return ConfigEdit.putting(pool);
        }).next();
        return Envelope.success(ctx.json().write(committed.pools().get(id)));
    }

    private ObjectNode patch(Call call) {
        final ConfigSnapshot current = ctx.store().current();
        Lookups.pool(current, Lookups.account(current, call), call);
        final ObjectNode body = call.objectBody();
        final Instant now = ctx.now();
        final String id = call.param("pool_id");
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            final Account account = Lookups.account(s, call);
            final Pool old = Lookups.pool(s, account, call);
            final Pool pool = merged(old, body, now);
            check(s, account, pool);
            return ConfigEdit.putting(pool);
        }).next();
        return Envelope.success(ctx.json().write(committed.pools().get(id)));
    }

    /**
     * {@code PATCH /pools}: sets {@code notification_email} on every pool of the account in one commit and returns
     * them ordered by name (spec §7.1). Any other field is refused rather than ignored. An empty object changes
     * nothing and returns the pools as they are: the field is optional in Cloudflare's schema, and the SDKs' own
     * example calls {@code pools.bulkEdit({account_id})} with no field at all.
     */
    private ObjectNode bulkPatch(Call call) {
        Lookups.account(ctx.store().current(), call);
        final ObjectNode body = call.objectBody();
        final List<ConfigError> errors = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            final String field = it.next();
            if (!field.equals(BULK_FIELD)) {
                errors.add(new ConfigError(field, Paging.clip(field)
                        + ": not allowed (expected: only notification_email in a bulk pool update)", 1002));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        final Instant now = ctx.now();
        final String accountId = call.param("account_id");
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            final Account account = Lookups.account(s, call);
            if (!body.has(BULK_FIELD)) {
                return new ConfigEdit();
            }
            final List<Pool> changed = new ArrayList<>();
            for (Pool old : s.pools().values()) {
                if (old.accountId().equals(account.id())) {
                    changed.add(merged(old, body, now));
                }
            }
            return new ConfigEdit().putAll(changed);
        }).next();
        final List<Pool> result = committed.pools().values().stream()
                .filter(p -> p.accountId().equals(accountId))
                .sorted(Comparator.comparing(Pool::name).thenComparing(Pool::id)).toList();
        return collection(result);
    }

    private ObjectNode delete(Call call) {
        return Deletion.unlessReferenced(ctx, call, "pool_id", ConfigKind.POOL, Lookups::pool,
                ConfigIndex::loadBalancersUsing);
    }

    private ObjectNode references(Call call) {
        final ConfigIndex index = ctx.index();
        final ConfigSnapshot s = index.config();
        final Pool pool = Lookups.pool(s, Lookups.account(s, call), call);
        return Envelope.success(references(index, pool));
    }

    /** Load balancers naming the pool (referrers), then the pool's monitor and monitor group (referrals). */
    static ArrayNode references(ConfigIndex index, Pool pool) {
        final ConfigSnapshot s = index.config();
        final ArrayNode refs = JsonNodeFactory.instance.arrayNode();
        for (LoadBalancer lb : References.loadBalancersUsing(index, pool.id())) {
            refs.add(References.reference(References.REFERRER, "load_balancer", lb.id(), lb.name()));
        }
        final Monitor monitor = pool.monitor() == null ? null : s.monitors().get(pool.monitor());
        if (monitor != null) {
            refs.add(References.reference(References.REFERRAL, "monitor", monitor.id(), monitor.description()));
        }
        final MonitorGroup group = pool.monitorGroup() == null ? null : s.monitorGroups().get(pool.monitorGroup());
        if (group != null) {
            refs.add(References.reference(References.REFERRAL, "monitor_group", group.id(), group.description()));
        }
        return refs;
    }

    private Pool merged(Pool old, JsonNode patch, Instant now) {
        final ObjectNode merged = ctx.json().merge(ctx.json().write(old), patch);
        return ctx.json().readPool(merged, new ConfigJson.Meta(old.id(), old.accountId(), old.createdOn(), now),
                old);
    }

    private ObjectNode collection(List<Pool> pools) {
        return Envelope.singlePage(pools, ctx.json()::write);
    }

    /** A pool's monitor and monitor group must be ones of the pool's own account. */
    static void check(ConfigSnapshot s, Account account, Pool pool) {
        References.requireInAccount("monitor", pool.monitor(), s.monitors(), Monitor::accountId, account,
                "a monitor");
        References.requireInAccount("monitor_group", pool.monitorGroup(), s.monitorGroups(),
                MonitorGroup::accountId, account, "a monitor group");
    }
}
