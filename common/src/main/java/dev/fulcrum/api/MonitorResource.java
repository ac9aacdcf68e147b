package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.json.ConfigJson;

import java.time.Instant;

/**
 * Monitors of an account (spec §3, §7.1): CRUD and {@code /monitors/{id}/references}. A monitor that a pool or a
 * monitor group uses cannot be deleted (1005/412).
 */
final class MonitorResource {

    private final ApiContext ctx;

    MonitorResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Routes routes) {
        final String item = routes.collection("accounts/{account_id}/load_balancers/monitors", "monitor_id",
                new Routes.Collection(this::list, this::create, this::get, this::replace, this::patch, this::delete));
        routes.add("GET", item + "/references", this::references);
    }

    private ObjectNode list(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Account account = Lookups.account(s, call);
        return Envelope.singlePage(s.monitors().values().stream()
                .filter(m -> m.accountId().equals(account.id())).sorted(References.MONITOR_ORDER).toList(),
                ctx.json()::write);
    }

    private ObjectNode get(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        return Envelope.success(ctx.json().write(Lookups.monitor(s, Lookups.account(s, call), call)));
    }

    private ObjectNode create(Call call) {
        final Account account = Lookups.account(ctx.store().current(), call);
        final ObjectNode body = call.objectBody();
        final String id = Ids.newId();
        final Instant now = ctx.now();
        final Monitor monitor = ctx.json().readMonitor(body, new ConfigJson.Meta(id, account.id(), now, now));
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            Lookups.account(s, call);
            return ConfigEdit.putting(monitor);
        }).next();
        return Envelope.success(ctx.json().write(committed.monitors().get(id)));
    }

    private ObjectNode replace(Call call) {
        final ConfigSnapshot current = ctx.store().current();
        Lookups.monitor(current, Lookups.account(current, call), call);
        final ObjectNode body = call.objectBody();
        final Instant now = ctx.now();
        final String id = call.param("monitor_id");
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            final Account account = Lookups.account(s, call);
            final Monitor old = Lookups.monitor(s, account, call);
            return ConfigEdit.putting(ctx.json().readMonitor(body,
                    new ConfigJson.Meta(id, account.id(), old.createdOn(), now)));
        }).next();
        return Envelope.success(ctx.json().write(committed.monitors().get(id)));
    }

    private ObjectNode patch(Call call) {
        final ConfigSnapshot current = ctx.store().current();
        Lookups.monitor(current, Lookups.account(current, call), call);
        final ObjectNode body = call.objectBody();
        final Instant now = ctx.now();
        final String id = call.param("monitor_id");
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            final Account account = Lookups.account(s, call);
            final Monitor old = Lookups.monitor(s, account, call);
            final ObjectNode merged = ctx.json().merge(ctx.json().write(old), body);
            return ConfigEdit.putting(ctx.json().readMonitor(merged,
                    new ConfigJson.Meta(id, account.id(), old.createdOn(), now)));
        }).next();
        return Envelope.success(ctx.json().write(committed.monitors().get(id)));
    }

    private ObjectNode delete(Call call) {
        return Deletion.unlessReferenced(ctx, call, "monitor_id", ConfigKind.MONITOR, Lookups::monitor,
                ConfigIndex::monitorReferrers);
    }

    private ObjectNode references(Call call) {
        final ConfigIndex index = ctx.index();
        final ConfigSnapshot s = index.config();
        final Monitor monitor = Lookups.monitor(s, Lookups.account(s, call), call);
        return Envelope.success(references(index, monitor));
    }

    /** The pools and the monitor groups using the monitor (referrers); a monitor references nothing itself. */
    static ArrayNode references(ConfigIndex index, Monitor monitor) {
        final ArrayNode refs = JsonNodeFactory.instance.arrayNode();
        for (Pool pool : References.poolsUsing(index, monitor.id())) {
            refs.add(References.reference(References.REFERRER, "pool", pool.id(), pool.name()));
        }
        for (MonitorGroup group : References.groupsUsing(index, monitor.id())) {
            refs.add(References.reference(References.REFERRER, "monitor_group", group.id(), group.description()));
        }
        return refs;
    }
}
