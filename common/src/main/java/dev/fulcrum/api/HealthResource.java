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
import dev.fulcrum.health.HealthEvent;
import dev.fulcrum.health.HealthMonitor;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.MemberStatus;
import dev.fulcrum.health.OriginState;
import dev.fulcrum.health.OriginStatus;
import dev.fulcrum.health.PoolHealth;
import dev.fulcrum.health.PopHealthSource;
import dev.fulcrum.health.Preview;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Pool health and monitor previews (spec §7.1), answered from the running {@link HealthMonitor}:
 * {@code GET /pools/{id}/health}, {@code POST /pools/{id}/preview}, {@code POST /monitors/{id}/preview} and
 * {@code GET /preview/{preview_id}}.
 *
 * <p>{@code pop_health} has one entry per data center: this node alone, or every live node of a cluster
 * ({@link PopHealthSource}), each named by its PoP or node name. A pool without a monitor has no health data: its
 * {@code pop_health} is empty. An origin without a verdict yet is listed as not healthy, without {@code rtt} or
 * {@code failure_reason}. A preview still running lists only the origins already checked.
 */
final class HealthResource {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ApiContext ctx;
    private final HealthMonitor health;
    private final PopHealthSource pops;

    HealthResource(ApiContext ctx, HealthMonitor health, PopHealthSource pops) {
        this.ctx = ctx;
        this.health = health;
        this.pops = pops == null ? PopHealthSource.local(health) : pops;
    }

    /** One view per data center: this node alone, or every live node of a cluster. */
    private List<PoolHealth> pops(Pool pool) {
        return pops.popHealth(pool);
    }

    void register(Routes routes) {
        final String base = "accounts/{account_id}/load_balancers/";
        routes.add("GET", base + "pools/{pool_id}/health", this::poolHealth);
        routes.add("POST", base + "pools/{pool_id}/preview", this::previewPool);
        routes.add("POST", base + "monitors/{monitor_id}/preview", this::previewMonitor);
        routes.add("GET", base + "preview/{preview_id}", this::preview);
        routes.add("GET", "user/load_balancing_analytics/events", this::events);
    }

    /**
     * The health-event log (Cloudflare's {@code /user/load_balancing_analytics/events}): this node's last origin
     * transitions, newest first, one origin per event, filtered by {@code pool_id}, {@code origin_healthy} and
     * {@code since}/{@code until} (RFC 3339), paged by {@code page}/{@code per_page}. Kept in memory: the list is
     * bounded and starts empty on each start.
     */
    private ObjectNode events(Call call) {
        final String poolId = call.request().queryParam("pool_id");
        final Boolean healthy = bool(call, "origin_healthy");
        final Instant since = instant(call, "since");
        final Instant until = instant(call, "until");
        final List<HealthEvent> all = health.events();
        final java.util.ArrayList<ObjectNode> matching = new java.util.ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            final HealthEvent e = all.get(i);
            if ((poolId == null || poolId.equals(e.poolId()))
                    && (healthy == null || healthy == (e.to() == OriginState.HEALTHY))
                    && (since == null || !e.time().isBefore(since))
                    && (until == null || !e.time().isAfter(until))) {
                matching.add(event(e, i + 1));
            }
        }
        final Paging paging = Paging.of(call, 100, 1000);
        final List<ObjectNode> page = paging.slice(matching);
        final ArrayNode result = NODES.arrayNode();
        page.forEach(result::add);
        return Envelope.success(result, paging.info(page.size(), matching.size()));
    }

    private static ObjectNode event(HealthEvent e, int sequence) {
        final ObjectNode o = NODES.objectNode();
        o.put("id", sequence);
        o.put("timestamp", ConfigJson.timestamp(e.time()));
        final ObjectNode pool = o.putObject("pool");
        pool.put("id", e.poolId());
        pool.put("name", e.poolName());
        pool.put("changed", false);
        final ObjectNode origin = o.putArray("origins").addObject();
        origin.put("name", e.originName());
        origin.put("address", e.address());
        origin.put("port", e.port());
        origin.put("healthy", e.to() == OriginState.HEALTHY);
        origin.put("changed", true);
        origin.put("from", e.from().name().toLowerCase(java.util.Locale.ROOT));
        origin.put("to", e.to().name().toLowerCase(java.util.Locale.ROOT));
        origin.put("failure_reason", e.failureReason());
        origin.put("response_code", e.responseCode());
        return o;
    }

    private static Boolean bool(Call call, String name) {
        final String raw = call.request().queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.equals("true") || raw.equals("false")) {
            return Boolean.valueOf(raw);
        }
        throw ApiError.validation(name + ": '" + Paging.clip(raw) + "' (expected: true or false)");
    }

    private static Instant instant(Call call, String name) {
        final String raw = call.request().queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return ConfigJson.parseTimestamp(raw);
        } catch (RuntimeException e) {
            throw ApiError.validation(name + ": '" + Paging.clip(raw) + "' (expected: an RFC 3339 timestamp)");
        }
    }

    private ObjectNode poolHealth(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Pool pool = Lookups.pool(s, Lookups.account(s, call), call);
        final ObjectNode result = NODES.objectNode();
        result.put("pool_id", pool.id());
        final ObjectNode pops = result.putObject("pop_health");
        if (pool.monitored()) {
            // A monitor group's member detail is this node's own: only its PoP lists it.
            final Map<String, List<MemberStatus>> members = health.memberResults(pool.id());
            for (PoolHealth view : pops(pool)) {
                final ObjectNode pop = pops.putObject(view.popName());
                pop.put("healthy", view.healthy());
                pop.set("origins", origins(view.origins(),
                        view.popName().equals(health.settings().popName()) ? members : Map.of()));
            }
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
        final List<Pool> pools = References.poolsUsing(ctx.index(s), monitor.id()).stream()
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
                    .filter(o -> o.state() != OriginState.UNKNOWN).toList(), Map.of()));
        }
        return Envelope.success(result);
    }

    /**
     * {@code [{"<address>":{name, port, healthy, rtt, failure_reason, response_code}}]}, the last three only when
     * known. Cloudflare keys each entry by address alone; [G] the origin's {@code name} and {@code port} inside it tell
     * apart two origins of one pool that share an address on different ports (they are listed in pool order). [G] An
     * origin that a monitor group judges also lists each member's own result under {@code monitors}:
     * {@code [{monitor_id, monitoring_only, must_be_healthy, healthy, rtt, failure_reason, response_code}]}.
     */
    private static ArrayNode origins(List<OriginStatus> origins, Map<String, List<MemberStatus>> members) {
        final ArrayNode array = NODES.arrayNode();
        for (final OriginStatus origin : origins) {
            final ObjectNode status = array.addObject().putObject(origin.address());
            status.put("name", origin.name());
            status.put("port", origin.port());
            result(status, origin);
            final List<MemberStatus> results = members.get(HealthSnapshot.originKey(origin.address(), origin.port()));
            if (results != null) {
                final ArrayNode monitors = status.putArray("monitors");
                for (final MemberStatus member : results) {
                    final ObjectNode m = monitors.addObject();
                    m.put("monitor_id", member.monitorId());
                    m.put("monitoring_only", member.monitoringOnly());
                    m.put("must_be_healthy", member.mustBeHealthy());
                    result(m, member.result());
                }
            }
        }
        return array;
    }

    /** {@code healthy}, then {@code rtt}, {@code failure_reason} and {@code response_code} when known. */
    private static void result(ObjectNode node, OriginStatus result) {
        node.put("healthy", result.healthy());
        if (result.rtt() != null) {
            node.put("rtt", result.rtt());
        }
        if (result.failureReason() != null) {
            node.put("failure_reason", result.failureReason());
        }
        if (result.responseCode() != 0) {
            node.put("response_code", result.responseCode());
        }
    }
}
