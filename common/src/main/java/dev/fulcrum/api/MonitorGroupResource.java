package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Monitor groups of an account (Cloudflare's {@code /load_balancers/monitor_groups}): CRUD and
 * {@code /monitor_groups/{id}/references}. Every member's monitor must be a monitor of the account (1002, as for a
 * pool's monitor); a group that a pool uses cannot be deleted (1005/412). PATCH replaces the supplied fields whole,
 * {@code members} included.
 */
final class MonitorGroupResource {

    private static final String ID = "monitor_group_id";

    private final ApiContext ctx;

    MonitorGroupResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Routes routes) {
        final String item = routes.collection("accounts/{account_id}/load_balancers/monitor_groups", ID,
                new Routes.Collection(this::list, this::create, this::get, this::replace, this::patch, this::delete));
        routes.add("GET", item + "/references", this::references);
    }

    private ObjectNode list(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Account account = Lookups.account(s, call);
        return Envelope.singlePage(s.monitorGroups().values().stream()
                .filter(g -> g.accountId().equals(account.id())).sorted(References.GROUP_ORDER).toList(),
                ctx.json()::write);
    }

    private ObjectNode get(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        return Envelope.success(ctx.json().write(Lookups.monitorGroup(s, Lookups.account(s, call), call)));
    }

    private ObjectNode create(Call call) {
        final Account account = Lookups.account(ctx.store().current(), call);
        final ObjectNode body = call.objectBody();
        final Instant now = ctx.now();
        final MonitorGroup group = ctx.json().readMonitorGroup(body,
                new ConfigJson.Meta(Ids.newId(), account.id(), now, now), null);
        return commit(call, s -> group);
    }

    private ObjectNode replace(Call call) {
        return update(call, (old, body) -> body);
    }

    private ObjectNode patch(Call call) {
        return update(call, (old, body) -> ctx.json().merge(ctx.json().write(old), body));
    }

    private interface Rewrite {
        JsonNode body(MonitorGroup stored, ObjectNode request);
    }

    /** PUT or PATCH: the stored group read again from {@code rewrite}'s body, keeping id and creation time. */
    private ObjectNode update(Call call, Rewrite rewrite) {
        final ConfigSnapshot current = ctx.store().current();
        Lookups.monitorGroup(current, Lookups.account(current, call), call);
        final ObjectNode body = call.objectBody();
        final Instant now = ctx.now();
        return commit(call, s -> {
            final MonitorGroup old = Lookups.monitorGroup(s, Lookups.account(s, call), call);
            return ctx.json().readMonitorGroup(rewrite.body(old, body),
                    new ConfigJson.Meta(old.id(), old.accountId(), old.createdOn(), now), old);
        });
    }

    private interface Build {
        MonitorGroup build(ConfigSnapshot s);
    }

    /** Stores the group {@code build} makes on the store's latest snapshot, once its members' monitors check out. */
    private ObjectNode commit(Call call, Build build) {
        final String[] id = new String[1];
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            final Account account = Lookups.account(s, call);
            final MonitorGroup group = build.build(s);
            check(s, account, group);
            id[0] = group.id();
            return ConfigEdit.putting(group);
        }).next();
        return Envelope.success(ctx.json().write(committed.monitorGroups().get(id[0])));
    }

    private ObjectNode delete(Call call) {
        return Deletion.unlessReferenced(ctx, call, ID, ConfigKind.MONITOR_GROUP, Lookups::monitorGroup,
                ConfigIndex::poolsUsingGroup);
    }

    private ObjectNode references(Call call) {
        final ConfigIndex index = ctx.index();
        final ConfigSnapshot s = index.config();
        return Envelope.success(references(index, Lookups.monitorGroup(s, Lookups.account(s, call), call)));
    }

    /** The pools using the group (referrers), then the group's monitors (referrals), in member order. */
    static ArrayNode references(ConfigIndex index, MonitorGroup group) {
        final ArrayNode refs = JsonNodeFactory.instance.arrayNode();
        for (Pool pool : References.poolsUsingGroup(index, group.id())) {
            refs.add(References.reference(References.REFERRER, "pool", pool.id(), pool.name()));
        }
        for (MonitorGroup.Member member : group.members()) {
            final Monitor monitor = index.config().monitors().get(member.monitorId());
            if (monitor != null) {
                refs.add(References.reference(References.REFERRAL, "monitor", monitor.id(), monitor.description()));
            }
        }
        return refs;
    }

    /** Every member's monitor must be a monitor of the group's own account. */
    private static void check(ConfigSnapshot s, Account account, MonitorGroup group) {
        for (int i = 0; i < group.members().size(); i++) {
            References.requireInAccount("members[" + i + "].monitor_id", group.members().get(i).monitorId(),
                    s.monitors(), Monitor::accountId, account, "a monitor");
        }
    }
}
