package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * {@code GET /accounts/{a}/load_balancers/search} (spec §7.1): the account's load balancers, pools and monitors, and
 * its monitor groups ({@code resource_type} {@code monitor_group}, named by their description; monitor groups are
 * ours, so is their place here [G]), whose name or id contains {@code query} (case-insensitive, [G]), in the order
 * type, lower-case name, id, each with its references filtered by {@code references}:
 * {@code ""} lists none, {@code *} all, {@code referral}/{@code referrer} one direction. Paged by {@code page} and
 * {@code per_page} (1–1000, default 25).
 *
 * <p>Cloudflare's current schema and SDKs send {@code query} and {@code references} as plain parameters; the older
 * {@code search_params[query]} and {@code search_params[references]} forms are still read when the plain ones are
 * absent.
 *
 * <p>The result is Cloudflare's {@code {"resources": [...]}}, plus {@code items}: Cloudflare's SDKs page this call
 * as {@code V4PagePagination}, which iterates {@code result.items} and asks for the next page until one comes back
 * empty. So {@code items} holds this page as one search result ({@code [{"resources": [...]}]}), or nothing past the
 * last page; without it the SDKs' auto-pagination would see no results at all [G].
 *
 * <p>Cost: one pass over the account's objects; then a heap of the matches up to the page's end instead of a sort
 * of every match when the page is near the front (the third page of 25 among 16,000 objects orders 75 of them),
 * one sort otherwise. Only the page's results get their references.
 */
final class SearchResource {

    /**
     * One match, its name lowered once (the heap compares it many times); its references are computed only if it
     * lands on the page asked for.
     */
    private record Found(String type, String id, String name, String lowerName,
                         Function<ConfigIndex, ArrayNode> references) {
    }

    private static final Comparator<Found> ORDER = Comparator.comparing(Found::type)
            .thenComparing(Found::lowerName).thenComparing(Found::id);

    private final ApiContext ctx;

    SearchResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Routes routes) {
        routes.add("GET", "accounts/{account_id}/load_balancers/search", this::search);
    }

    private ObjectNode search(Call call) {
        final ConfigIndex index = ctx.index();
        final ConfigSnapshot s = index.config();
        final Account account = Lookups.account(s, call);
        final Paging paging = Paging.of(call, 25, 1000);
        final String rawQuery = param(call, "query");
        final String query = rawQuery == null ? "" : rawQuery.toLowerCase(Locale.ROOT);
        final String direction = direction(param(call, "references"));

        final Matches matches = new Matches(query, paging);
        for (LoadBalancer lb : s.loadBalancers().values()) {
            final Zone zone = s.zones().get(lb.zoneId());
            if (zone != null && zone.accountId().equals(account.id())) {
                matches.offer("load_balancer", lb.id(), lb.name(), i -> lbReferences(s, lb));
            }
        }
        for (Pool pool : s.pools().values()) {
            if (pool.accountId().equals(account.id())) {
                matches.offer("pool", pool.id(), pool.name(), i -> PoolResource.references(i, pool));
            }
        }
        for (Monitor monitor : s.monitors().values()) {
            if (monitor.accountId().equals(account.id())) {
                matches.offer("monitor", monitor.id(), monitor.description(),
                        i -> MonitorResource.references(i, monitor));
            }
        }
        for (MonitorGroup group : s.monitorGroups().values()) {
            if (group.accountId().equals(account.id())) {
                matches.offer("monitor_group", group.id(), group.description(),
                        i -> MonitorGroupResource.references(i, group));
            }
        }
        final List<Found> page = matches.page();

        final ObjectNode result = JsonNodeFactory.instance.objectNode();
        final ArrayNode resources = result.putArray("resources");
        final ArrayNode items = result.putArray("items");
        if (!page.isEmpty()) {
            items.addObject().set("resources", resources);
        }
        for (Found f : page) {
            final ObjectNode node = resources.addObject();
            node.put("resource_type", f.type());
            node.put("resource_id", f.id());
            node.put("resource_name", f.name());
            final ArrayNode refs = node.putArray("references");
            f.references().apply(index).forEach(ref -> {
                if (direction.equals("*") || direction.equals(ref.get("reference_type").asText())) {
                    refs.add(ref);
                }
            });
        }
        return Envelope.success(result, paging.info(page.size(), matches.total));
    }

    /**
     * The matches of one search, in the order found; {@link #page} puts in order only what the page needs: the first
     * {@code page × per_page} matches through a heap when that is a small part of them (75 for the third page of 25),
     * else all of them with one sort.
     */
    private static final class Matches {
        private final String query;
        private final Paging paging;
        private final List<Found> all = new ArrayList<>();
        private int total;

        Matches(String query, Paging paging) {
            this.query = query;
            this.paging = paging;
        }

        void offer(String type, String id, String rawName, Function<ConfigIndex, ArrayNode> references) {
            final String name = rawName == null ? "" : rawName;
            final String lower = name.toLowerCase(Locale.ROOT);
            if (query.isEmpty() || id.contains(query) || lower.contains(query)) {
                all.add(new Found(type, id, name, lower, references));
                total++;
            }
        }

        /** The page's matches, in order. */
        List<Found> page() {
            final long keep = (long) paging.page() * paging.perPage();
            if (keep * 4 >= all.size()) {
                all.sort(ORDER);
                return paging.slice(all);
            }
            // A heap whose head is the last of the first `keep` matches seen so far.
            final PriorityQueue<Found> first = new PriorityQueue<>((int) keep + 1, ORDER.reversed());
            for (Found found : all) {
                if (first.size() < keep) {
                    first.add(found);
                } else if (ORDER.compare(found, first.peek()) < 0) {
                    first.poll();
                    first.add(found);
                }
            }
            final List<Found> kept = new ArrayList<>(first);
            kept.sort(ORDER);
            return paging.slice(kept);
        }
    }

    /** The pools a load balancer names (referrals). */
    private static ArrayNode lbReferences(ConfigSnapshot s, LoadBalancer lb) {
        final ArrayNode refs = JsonNodeFactory.instance.arrayNode();
        for (String poolId : References.poolIds(lb)) {
            final Pool pool = s.pools().get(poolId);
            refs.add(References.reference(References.REFERRAL, "pool", poolId, pool == null ? "" : pool.name()));
        }
        return refs;
    }

    /** The plain parameter ({@code query}), else its older {@code search_params[query]} form; null when neither. */
    private static String param(Call call, String name) {
        final String plain = call.request().queryParam(name);
        return plain != null ? plain : call.request().queryParam("search_params[" + name + "]");
    }

    private static String direction(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        if (raw.equals("*") || raw.equals(References.REFERRAL) || raw.equals(References.REFERRER)) {
            return raw;
        }
        throw ApiError.validation("references: '" + Paging.clip(raw)
                + "' (expected: \"\", \"*\", \"referral\" or \"referrer\")");
    }
}
