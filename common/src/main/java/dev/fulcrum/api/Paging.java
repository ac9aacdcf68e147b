package dev.fulcrum.api;

import java.util.List;

/** {@code page} and {@code per_page} query parameters, validated (1002 naming the parameter) and applied. */
record Paging(int page, int perPage) {

    /**
     * Reads the parameters of a call.
     *
     * @param defaultPerPage used when {@code per_page} is absent
     * @param maxPerPage     the largest accepted {@code per_page}
     */
    static Paging of(Call call, int defaultPerPage, int maxPerPage) {
        final int page = number(call, "page", 1, 1, Integer.MAX_VALUE);
        final int perPage = number(call, "per_page", defaultPerPage, 1, maxPerPage);
        return new Paging(page, perPage);
    }

    <T> List<T> slice(List<T> all) {
        final long from = (long) (page - 1) * perPage;
        if (from >= all.size()) {
            return List.of();
        }
        return all.subList((int) from, (int) Math.min(all.size(), from + perPage));
    }

    Envelope.ResultInfo info(int returned, int total) {
        final int pages = total == 0 ? 0 : (total + perPage - 1) / perPage;
        return new Envelope.ResultInfo(page, perPage, returned, total, pages);
    }

    private static int number(Call call, String name, int fallback, int min, int max) {
        final String raw = call.request().queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            final int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the refusal below
        }
        final String range = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer " + min + "-" + max;
        throw ApiError.validation(name + ": '" + clip(raw) + "' (expected: " + range + ")");
    }

    /** Keeps echoed client input short, so an error message cannot be used to amplify a huge query string. */
    static String clip(String raw) {
        return raw.length() <= 64 ? raw : raw.substring(0, 64) + "...";
    }
}
