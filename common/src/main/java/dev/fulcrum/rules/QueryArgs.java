package dev.fulcrum.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A query string split into arguments as {@code http.request.uri.args} sees it: {@code &}-separated, the name before
 * the first {@code =} (an argument without one has the value {@code ""}), nothing decoded, empty pieces skipped.
 */
final class QueryArgs {

    static final QueryArgs NONE = new QueryArgs(List.of(), List.of(), Map.of());

    final List<String> names;
    final List<String> values;
    private final Map<String, List<String>> byName;

    private QueryArgs(List<String> names, List<String> values, Map<String, List<String>> byName) {
        this.names = names;
        this.values = values;
        this.byName = byName;
    }

    static QueryArgs parse(String query) {
        if (query == null || query.isEmpty()) {
            return NONE;
        }
        final List<String> names = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        final Map<String, List<String>> byName = new HashMap<>();
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            if (end > start) {
                final int eq = query.indexOf('=', start);
                final boolean hasValue = eq >= 0 && eq < end;
                final String name = query.substring(start, hasValue ? eq : end);
                final String value = hasValue ? query.substring(eq + 1, end) : "";
                names.add(name);
                values.add(value);
                byName.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        return new QueryArgs(names, values, byName);
    }

    /** The values of one argument in order; empty when the query has no such argument. */
    List<String> get(String name) {
        final List<String> found = byName.get(name);
        return found == null ? List.of() : found;
    }
}
