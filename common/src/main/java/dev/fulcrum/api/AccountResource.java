package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /accounts} (filtered by {@code name}, oldest first or, with {@code direction=desc}, newest first) and
 * {@code GET /accounts/{id}}. Accounts are created by the runtime, not by the API.
 */
final class AccountResource {

    private static final Comparator<Account> ORDER =
            Comparator.comparing(Account::createdOn).thenComparing(Account::id);

    private final ApiContext ctx;

    AccountResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Routes routes) {
        routes.add("GET", "accounts", this::list);
        routes.add("GET", "accounts/{account_id}", this::get);
    }

    private ObjectNode list(Call call) {
        final Paging paging = Paging.of(call, 20, 50);
        final String name = call.request().queryParam("name");
        final String direction = call.request().queryParam("direction");
        if (direction != null && !direction.equals("asc") && !direction.equals("desc")) {
            throw ApiError.validation("direction: '" + Paging.clip(direction) + "' (expected: asc or desc)");
        }
        final List<Account> all = ctx.store().current().accounts().values().stream()
                .filter(a -> name == null || a.name().toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT)))
                .sorted("desc".equals(direction) ? ORDER.reversed() : ORDER).toList();
        final List<Account> page = paging.slice(all);
        final ArrayNode result = JsonNodeFactory.instance.arrayNode();
        page.forEach(a -> result.add(write(a)));
        return Envelope.success(result, paging.info(page.size(), all.size()));
    }

    private ObjectNode get(Call call) {
        final ConfigSnapshot s = ctx.store().current();
        return Envelope.success(write(Lookups.account(s, call)));
    }

    static ObjectNode write(Account account) {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", account.id());
        node.put("name", account.name());
        node.put("type", "standard");
        node.put("created_on", ApiContext.timestamp(account.createdOn()));
        return node;
    }
}
