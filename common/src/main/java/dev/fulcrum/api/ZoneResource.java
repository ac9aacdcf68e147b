package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.Zone;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Zones: {@code GET/POST /zones} (list filters and order in {@link ZoneQuery}), {@code GET/DELETE /zones/{id}}.
 * A zone is the DNS name its load balancers live under; it is always {@code active} here since there is no DNS
 * delegation to wait for.
 */
final class ZoneResource {

    /** The one plan every zone is on: a fixed id in Cloudflare's 32-hex form, so it never changes between runs. */
    static final String PLAN_ID = "f0000000000000000000000000000001";
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

    private final ApiContext ctx;

    ZoneResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Routes routes) {
        routes.add("GET", "zones", this::list);
        routes.add("POST", "zones", this::create);
        routes.add("GET", "zones/{zone_id}", this::get);
        routes.add("DELETE", "zones/{zone_id}", this::delete);
    }

    private ObjectNode list(Call call) {
        final Paging paging = Paging.of(call, 20, 50);
        final ZoneQuery query = ZoneQuery.of(call);
        final ConfigSnapshot s = ctx.store().current();
        final List<Zone> all = query.apply(s.zones().values(), s.accounts());
        final List<Zone> page = paging.slice(all);
        final ArrayNode result = JsonNodeFactory.instance.arrayNode();
        page.forEach(z -> result.add(write(z, s.accounts().get(z.accountId()))));
        return Envelope.success(result, paging.info(page.size(), all.size()));
    }

    private ObjectNode get(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        final Zone zone = Lookups.zone(s, call);
        return Envelope.success(write(zone, s.accounts().get(zone.accountId())));
    }

    private ObjectNode create(Call call) {
        final ObjectNode body = call.objectBody();
        final String name = zoneName(body.get("name"));
        final String accountId = accountId(body.get("account"));
        final String id = Ids.newId();
        final Instant now = ctx.now();
        final Zone zone = new Zone(id, name, accountId, now, now);
        final ConfigSnapshot committed = ctx.store().commit(s -> {
            if (!s.accounts().containsKey(accountId)) {
                throw ApiError.validation("account.id: '" + Paging.clip(accountId)
                        + "' (expected: the id of an existing account)");
            }
            if (!ctx.index(s).zonesNamed(name).isEmpty()) {
                throw ApiError.notUnique("name", name, "a zone name not taken yet");
            }
            return ConfigEdit.putting(zone);
        }).next();
        return Envelope.success(write(zone, committed.accounts().get(accountId)));
    }

    private ObjectNode delete(Call call) {
        final String id = call.param("zone_id");
        ctx.store().commit(s -> {
            Lookups.zone(s, call);
            return Snapshots.withoutZone(ctx.index(s), id);
        });
        return Envelope.deleted(id);
    }

    /** A domain name of at least two labels, stored lower case; a trailing dot is refused rather than guessed. */
    private static String zoneName(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiError.validation("name: required (expected: a domain name such as example.com)");
        }
        if (!node.isTextual()) {
            throw ApiError.validation("name: " + Call.kind(node) + " (expected: a domain name such as example.com)");
        }
        final String name = node.textValue().toLowerCase(Locale.ROOT);
        if (!isDomainName(name)) {
            throw ApiError.validation("name: '" + Paging.clip(node.textValue())
                    + "' (expected: a domain name such as example.com)");
        }
        return name;
    }

    static boolean isDomainName(String name) {
        if (name.length() > 253) {
            return false;
        }
        final String[] labels = name.split("\\.", -1);
        if (labels.length < 2 || NUMERIC.matcher(labels[labels.length - 1]).matches()) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String accountId(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiError.validation("account: required (expected: {\"id\": \"<account id>\"})");
        }
        final JsonNode id = node.get("id");
        if (!node.isObject() || id == null || !id.isTextual()) {
            throw ApiError.validation("account.id: required (expected: the id of an existing account)");
        }
        return id.textValue();
    }

    /**
     * A zone in Cloudflare's shape, including the members the SDKs' {@code Zone} type declares as always present
     * ({@code development_mode}, {@code meta}, {@code owner}, {@code plan} and the {@code original_*} fields), so
     * typed clients that read them find them. There is no DNS or billing here: no original DNS host, development
     * mode off, and one self-managed plan [G].
     */
    static ObjectNode write(Zone zone, Account account) {
        final String accountName = account == null ? "" : account.name();
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", zone.id());
        node.put("name", zone.name());
        node.put("status", "active");
        node.put("paused", false);
        node.put("type", "full");
        node.put("development_mode", 0);
        node.putArray("name_servers");
        node.putNull("original_name_servers");
        node.putNull("original_registrar");
        node.putNull("original_dnshost");
        final ObjectNode owningAccount = node.putObject("account");
        owningAccount.put("id", zone.accountId());
        owningAccount.put("name", accountName);
        final ObjectNode owner = node.putObject("owner");
        owner.put("id", zone.accountId());
        owner.put("name", accountName);
        owner.put("type", "organization");
        final ObjectNode meta = node.putObject("meta");
        meta.put("cdn_only", false);
        meta.put("dns_only", false);
        meta.put("foundation_dns", false);
        meta.put("custom_certificate_quota", 0);
        meta.put("page_rule_quota", 0);
        meta.put("phishing_detected", false);
        final ObjectNode plan = node.putObject("plan");
        plan.put("id", PLAN_ID);
        plan.put("name", "Fulcrum");
        plan.put("price", 0);
        plan.put("currency", "USD");
        plan.put("frequency", "");
        plan.put("is_subscribed", true);
        plan.put("can_subscribe", false);
        plan.put("legacy_id", "fulcrum");
        plan.put("legacy_discount", false);
        plan.put("externally_managed", true);
        node.put("created_on", ApiContext.timestamp(zone.createdOn()));
        node.put("modified_on", ApiContext.timestamp(zone.modifiedOn()));
        node.put("activated_on", ApiContext.timestamp(zone.createdOn()));
        return node;
    }
}
