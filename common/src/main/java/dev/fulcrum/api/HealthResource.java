package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.json.ConfigJson;
import dev.fulcrum.health.HealthMonitor;
import dev.fulcrum.health.OriginState;
import dev.fulcrum.health.OriginStatus;
import dev.fulcrum.health.PoolHealth;
import dev.fulcrum.health.Preview;

import java.time.Instant;
import java.util.List;

/**
 * Pool health and monitor previews (spec §7.1), answered from the running {@link HealthMonitor}:
 * {@code GET /pools/{id}/health}, {@code POST /pools/{id}/preview}, {@code POST /monitors/{id}/preview} and
 * {@code GET /preview/{preview_id}}.
 *
 * <p>This node is the one PoP of {@code pop_health}. A pool without a monitor has no health data: its
 * {@code pop_health} is empty. An origin without a verdict yet is listed as not healthy, without {@code rtt} or
 * {@code failure_reason}. A preview still running lists only the origins already checked.
 */
final class HealthResource {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ApiContext ctx;
    private final HealthMonitor health;

    HealthResource(ApiContext ctx, HealthMonitor health) {
        this.ctx = ctx;
        this.health = health;
    }

    void register(Routes routes) {
        final String base = "accounts/{account_id}/load_balancers/";
        routes.add("GET", base + "pools/{pool_id}/health", this::poolHealth);
        routes.add("POST", base + "pools/{pool_id}/preview", this::previewPool);
        routes.add("POST", base + "monitors/{monitor_id}/preview", this::previewMonitor);
        routes.add("GET", base + "preview/{preview_id}", this::preview);
    }

    private ObjectNode poolHealth(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Pool pool = Lookups.pool(s, Lookups.account(s, call), call);
        final PoolHealth view = PoolHealth.of(pool, health.snapshot(), health.settings().popName());
        final ObjectNode result = NODES.objectNode();
        result.put("pool_id", pool.id());
        final ObjectNode pops = result.putObject("pop_health");
        if (pool.monitor() != null) {
            final ObjectNode pop = pops.putObject(view.popName());
            pop.put("healthy", view.healthy());
            pop.set("origins", origins(view.origins()));
        }
        return Envelope.success(result);
    }

    private ObjectNode previewPool(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Account account = Lookups.account(s, call);
        final Pool pool = Lookups.pool(s, account, call);
        return start(candidate(call, account), List.of(pool));
    }

    private ObjectNode previewMonitor(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Account account = Lookups.account(s, call);
        final Monitor monitor = Lookups.monitor(s, account, call);
        final List<Pool> pools = References.poolsUsing(s, monitor.id()).stream()
                .filter(p -> p.accountId().equals(account.id())).toList();
        return start(candidate(call, account), pools);
    }

    /** The monitor in the body, validated as a monitor create would be (1002 on a bad field). */
    private Monitor candidate(Call call, Account account) {
        final Instant now = ctx.now();
        return ctx.json().readMonitor(call.objectBody(), new ConfigJson.Meta(Ids.newId(), account.id(), now, now));
    }

    private ObjectNode start(Monitor candidate, List<Pool> pools) {
        final Preview preview = health.previews().start(candidate, pools);
        final ObjectNode result = NODES.objectNode();
        result.put("preview_id", preview.id());
        final ObjectNode names = result.putObject("pools");
        for (final Preview.PoolPreview pool : preview.pools()) {
            names.put(pool.poolId(), pool.poolName());
        }
        return Envelope.success(result);
    }

    private ObjectNode preview(Call call) {
        Lookups.account(ctx.store().current(), call);
        final String id = call.param("preview_id");
        final Preview preview = Ids.isValid(id) ? health.previews().preview(id).orElse(null) : null;
        if (preview == null) {
            throw call.notFound();
        }
        final ObjectNode result = NODES.objectNode();
        for (final Preview.PoolPreview pool : preview.pools()) {
            final ObjectNode node = result.putObject(pool.poolId());
            node.put("healthy", pool.healthy());
            node.set("origins", origins(pool.origins().stream()
                    .filter(o -> o.state() != OriginState.UNKNOWN).toList()));
        }
        return Envelope.success(result);
    }

    /** {@code [{"<address>":{healthy, rtt, failure_reason, response_code}}]}, each field only when known. */
    private static ArrayNode origins(List<OriginStatus> origins) {
        final ArrayNode array = NODES.arrayNode();
        for (final OriginStatus origin : origins) {
            final ObjectNode status = array.addObject().putObject(origin.address());
            status.put("healthy", origin.healthy());
            if (origin.rtt() != null) {
                status.put("rtt", origin.rtt());
            }
            if (origin.failureReason() != null) {
                status.put("failure_reason", origin.failureReason());
            }
            if (origin.responseCode() != 0) {
                status.put("response_code", origin.responseCode());
            }
        }
        return array;
    }
}
