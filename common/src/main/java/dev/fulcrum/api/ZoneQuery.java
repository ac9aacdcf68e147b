package dev.fulcrum.api;

import dev.fulcrum.config.Account;
import dev.fulcrum.config.Zone;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The filters and order of {@code GET /zones}, as Cloudflare's SDKs expose them ({@code zones.list}): {@code name}
 * and {@code account.name} with an optional operator prefix ({@code contains:example}), {@code account.id},
 * {@code status}, {@code type} (comma-separated or repeated), {@code match} ({@code all} filters or {@code any} of
 * them), {@code order} and {@code direction}. A value outside the documented set is a 1002 naming the parameter.
 *
 * <p>Every zone here is an active full zone on one plan, so {@code status} and {@code type} keep either every zone
 * or none, and ordering by {@code status} or {@code plan.id} keeps the default order (oldest first).
 */
final class ZoneQuery {

    private static final List<String> OPERATORS = List.of("equal", "not_equal", "starts_with", "ends_with",
            "contains", "starts_with_case_sensitive", "ends_with_case_sensitive", "contains_case_sensitive");
    private static final List<String> STATUSES = List.of("initializing", "pending", "active", "moved");
    private static final List<String> TYPES = List.of("full", "partial", "secondary", "internal");
    private static final List<String> ORDERS = List.of("name", "status", "account.id", "account.name", "plan.id");
    private static final Comparator<Zone> DEFAULT_ORDER =
            Comparator.comparing(Zone::createdOn).thenComparing(Zone::id);

    private record Row(Zone zone, String accountName) {
    }

    private final List<Predicate<Row>> filters = new ArrayList<>();
    private final Predicate<Row> typeFilter;
    private final boolean matchAny;
    private final Comparator<Row> order;

    private ZoneQuery(Call call) {
        final String name = call.request().queryParam("name");
        if (name != null) {
            final Predicate<String> test = text("name", name);
            filters.add(row -> test.test(row.zone().name()));
        }
        final String accountId = call.request().queryParam("account.id");
        if (accountId != null) {
            filters.add(row -> row.zone().accountId().equals(accountId));
        }
        final String accountName = call.request().queryParam("account.name");
        if (accountName != null) {
            final Predicate<String> test = text("account.name", accountName);
            filters.add(row -> test.test(row.accountName()));
        }
        final String status = call.request().queryParam("status");
        if (status != null) {
            final boolean active = choice("status", status, STATUSES).equals("active");
            filters.add(row -> active);
        }
        final Set<String> types = types(call.request().query().getOrDefault("type", List.of()));
        // Without a type filter Cloudflare leaves out only internal zones, and there are none here.
        typeFilter = types.isEmpty() ? row -> true : row -> types.contains("full");
        final String match = call.request().queryParam("match");
        matchAny = match != null && choice("match", match, List.of("any", "all")).equals("any");
        final String direction = call.request().queryParam("direction");
        final boolean descending = direction != null
                && choice("direction", direction, List.of("asc", "desc")).equals("desc");
        final String orderBy = call.request().queryParam("order");
        final Comparator<Row> base = comparator(orderBy == null ? null : choice("order", orderBy, ORDERS));
        order = descending ? base.reversed() : base;
    }

    static ZoneQuery of(Call call) {
        return new ZoneQuery(call);
    }

    /** The matching zones in the requested order. */
    List<Zone> apply(Collection<Zone> zones, Map<String, Account> accounts) {
        return zones.stream()
                .map(z -> new Row(z, accounts.containsKey(z.accountId()) ? accounts.get(z.accountId()).name() : ""))
                .filter(typeFilter)
                .filter(this::matches)
                .sorted(order)
                .map(Row::zone)
                .toList();
    }

    private boolean matches(Row row) {
        if (filters.isEmpty()) {
            return true;
        }
        return matchAny ? filters.stream().anyMatch(f -> f.test(row)) : filters.stream().allMatch(f -> f.test(row));
    }

    private static Comparator<Row> comparator(String orderBy) {
        final Comparator<Row> fallback = Comparator.comparing(Row::zone, DEFAULT_ORDER);
        if (orderBy == null) {
            return fallback;
        }
        return switch (orderBy) {
            case "name" -> Comparator.comparing((Row r) -> r.zone().name()).thenComparing(fallback);
            case "account.id" -> Comparator.comparing((Row r) -> r.zone().accountId()).thenComparing(fallback);
            case "account.name" -> Comparator.comparing((Row r) -> r.accountName().toLowerCase(Locale.ROOT))
                    .thenComparing(fallback);
            default -> fallback;
        };
    }

    /** {@code [operator:]value}; a prefix that is not one of the operators is part of the value (equal). */
    private static Predicate<String> text(String param, String raw) {
        final int colon = raw.indexOf(':');
        final String prefix = colon < 0 ? "" : raw.substring(0, colon);
        final String operator = OPERATORS.contains(prefix) ? prefix : "equal";
        final String value = operator.equals(prefix) ? raw.substring(colon + 1) : raw;
        if (value.isEmpty()) {
            throw ApiError.validation(param + ": '" + Paging.clip(raw) + "' (expected: [operator:]value with a value)");
        }
        final String lower = value.toLowerCase(Locale.ROOT);
        return switch (operator) {
            case "not_equal" -> s -> !s.equalsIgnoreCase(value);
            case "starts_with" -> s -> s.toLowerCase(Locale.ROOT).startsWith(lower);
            case "ends_with" -> s -> s.toLowerCase(Locale.ROOT).endsWith(lower);
            case "contains" -> s -> s.toLowerCase(Locale.ROOT).contains(lower);
            case "starts_with_case_sensitive" -> s -> s.startsWith(value);
            case "ends_with_case_sensitive" -> s -> s.endsWith(value);
            case "contains_case_sensitive" -> s -> s.contains(value);
            default -> s -> s.equalsIgnoreCase(value);
        };
    }

    private static Set<String> types(List<String> values) {
        final Set<String> types = new LinkedHashSet<>();
        for (String value : values) {
            for (String type : value.split(",", -1)) {
                types.add(choice("type", type.strip(), TYPES));
            }
        }
        return types;
    }

    private static String choice(String param, String raw, List<String> allowed) {
        if (!allowed.contains(raw)) {
            throw ApiError.validation(param + ": '" + Paging.clip(raw) + "' (expected: one of "
                    + String.join(", ", allowed) + ")");
        }
        return raw;
    }
}
