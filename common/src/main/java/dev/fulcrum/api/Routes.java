package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The route table: path patterns such as {@code zones/{zone_id}/load_balancers/{lb_id}} with a handler per method.
 * A path that matches no pattern is a 7003/7000 404; a matching path without a handler for the method is a 405.
 *
 * <p>Thread safety: filled once while the router is built, then only read.
 */
final class Routes {

    /** Answers one routed call with a success envelope, or throws {@link ApiError}. */
    @FunctionalInterface
    interface Handler {
        ObjectNode handle(Call call);
    }

    /** The handlers of a collection of stored objects: list and create it, then get, replace, patch, delete one. */
    record Collection(Handler list, Handler create, Handler get, Handler replace, Handler patch, Handler delete) {
    }

    private record Route(String[] segments, Map<String, Handler> handlers) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Registers a handler; {@code pattern} is relative to {@code /client/v4}, e.g. {@code accounts/{account_id}}. */
    Routes add(String method, String pattern, Handler handler) {
        final String[] segments = split(pattern);
        for (Route route : routes) {
            if (String.join("/", route.segments()).equals(String.join("/", segments))) {
                if (route.handlers().putIfAbsent(method, handler) != null) {
                    throw new IllegalStateException("duplicate route " + method + ' ' + pattern);
                }
                return this;
            }
        }
        final Map<String, Handler> handlers = new LinkedHashMap<>();
        handlers.put(method, handler);
        routes.add(new Route(segments, handlers));
        return this;
    }

    /**
     * Registers a collection the way Cloudflare lays one out: {@code GET} (list) and {@code POST} (create) on
     * {@code collection}; {@code GET}, {@code PUT} (replace), {@code PATCH} and {@code DELETE} on
     * {@code collection/{idParam}}.
     *
     * @return the item's pattern, for routes a resource adds below one item
     */
    String collection(String collection, String idParam, Collection handlers) {
        final String item = collection + "/{" + idParam + '}';
        add("GET", collection, handlers.list());
        add("POST", collection, handlers.create());
        add("GET", item, handlers.get());
        add("PUT", item, handlers.replace());
        add("PATCH", item, handlers.patch());
        add("DELETE", item, handlers.delete());
        return item;
    }

    /**
     * Registers again, under {@code target}, every route registered so far whose pattern is {@code source} or lies
     * below it, with the same methods and each handler passed through {@code wrap}: for example
     * {@code user/load_balancers/pools/{pool_id}} for {@code accounts/{account_id}/load_balancers/pools/{pool_id}}. A
     * mirror therefore offers exactly what its source does, and must be made after the source's routes are registered.
     *
     * @throws IllegalStateException when nothing is registered under {@code source}
     */
    Routes mirror(String source, String target, UnaryOperator<Handler> wrap) {
        final String[] prefix = split(source);
        final List<Route> sources = routes.stream().filter(r -> startsWith(r.segments(), prefix)).toList();
        if (sources.isEmpty()) {
            throw new IllegalStateException("no route to mirror under " + source);
        }
        for (Route route : sources) {
            final String rest = String.join("/",
                    Arrays.copyOfRange(route.segments(), prefix.length, route.segments().length));
            final String pattern = rest.isEmpty() ? target : target + '/' + rest;
            route.handlers().forEach((method, handler) -> add(method, pattern, wrap.apply(handler)));
        }
        return this;
    }

    /** True when some route's pattern is {@code prefix} or lies below it. */
    boolean hasAny(String prefix) {
        final String[] segments = split(prefix);
        return routes.stream().anyMatch(r -> startsWith(r.segments(), segments));
    }

    private static boolean startsWith(String[] segments, String[] prefix) {
        return segments.length >= prefix.length
                && Arrays.equals(segments, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Finds the handler for a call.
     *
     * @param relativePath the raw path after {@code /client/v4}, starting with {@code /}
     */
    Handler find(String method, String relativePath, Map<String, String> params) {
        String path = relativePath;
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        final String[] segments = path.startsWith("/") ? path.substring(1).split("/", -1) : new String[] {"\0"};
        for (Route route : routes) {
            final Map<String, String> captured = match(route.segments(), segments);
            if (captured == null) {
                continue;
            }
            final Handler handler = route.handlers().get(method);
            if (handler == null) {
                throw ApiError.methodNotAllowed(String.join(", ", route.handlers().keySet()));
            }
            params.putAll(captured);
            return handler;
        }
        throw ApiError.noRoute(relativePath);
    }

    private static Map<String, String> match(String[] pattern, String[] segments) {
        if (pattern.length != segments.length) {
            return null;
        }
        final Map<String, String> captured = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            final String p = pattern[i];
            final String s = segments[i];
            if (p.startsWith("{")) {
                if (s.isEmpty()) {
                    return null;
                }
                captured.put(p.substring(1, p.length() - 1), s);
            } else if (!p.equals(s)) {
                return null;
            }
        }
        return captured;
    }

    private static String[] split(String pattern) {
        return pattern.split("/");
    }
}
