package dev.fulcrum.api;

import dev.fulcrum.config.ConfigError;
import dev.fulcrum.config.ConfigException;
import org.eclipse.jetty.http.HttpStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A refused API call: the HTTP status plus Cloudflare's error items (spec §7.4). Thrown anywhere inside request
 * handling and turned into a failure envelope by {@link ApiRouter}; throwing it from a store mutation aborts the write.
 */
public final class ApiError extends RuntimeException {

    /** One item of the envelope's {@code errors} array; {@code chain} becomes {@code error_chain} when not empty. */
    public record Item(int code, String message, List<Item> chain) {

        public Item {
            chain = List.copyOf(chain);
        }

        public Item(int code, String message) {
            this(code, message, List.of());
        }
    }

    static final String VALIDATION_SUFFIX = ": validation failed";

    private final int status;
    private final transient List<Item> items;
    private final transient Map<String, String> headers;

    private ApiError(int status, List<Item> items, Map<String, String> headers) {
        super(items.get(0).message());
        this.status = status;
        this.items = List.copyOf(items);
        this.headers = Map.copyOf(headers);
    }

    private ApiError(int status, Item item) {
        this(status, List.of(item), Map.of());
    }

    public int status() {
        return status;
    }

    public List<Item> items() {
        return items;
    }

    /** Extra response headers, e.g. {@code Allow} on a 405. */
    public Map<String, String> headers() {
        return headers;
    }

    /** 400 / 1002: a field-level refusal; the message gets Cloudflare's {@code : validation failed} suffix. */
    public static ApiError validation(String detail) {
        return new ApiError(400, new Item(1002, withSuffix(detail)));
    }

    /** 400 with every error a validator found, keeping each error's own code (normally 1002). */
    public static ApiError of(ConfigException e) {
        final List<Item> items = new ArrayList<>();
        for (ConfigError error : e.errors()) {
            final int code = error.cfCode() >= 1000 ? error.cfCode() : 1002;
            final String message = code == 1002 ? withSuffix(error.message()) : error.message();
            items.add(new Item(code, message));
        }
        if (items.isEmpty()) {
            items.add(new Item(1002, withSuffix(e.getMessage())));
        }
        return new ApiError(400, items, Map.of());
    }

    /**
     * 400 / 1003: a name that must be unique is taken, e.g. {@code name: 'www.example.com' (expected: a name no other
     * load balancer has): value not unique}; the message ends as Cloudflare's does.
     */
    public static ApiError notUnique(String field, String value, String expected) {
        return new ApiError(400, new Item(1003, field + ": '" + Paging.clip(value) + "' (expected: " + expected
                + "): value not unique"));
    }

    /** 412 / 1005: deleting an object that others still reference. */
    public static ApiError referenced() {
        return new ApiError(412, new Item(1005, "This object is referenced by other objects, delete them first."));
    }

    /** 400 / 6007. */
    public static ApiError malformedJson() {
        return new ApiError(400, new Item(6007, "Malformed JSON in request body"));
    }

    /** 400 / 9207. */
    public static ApiError contentTypeNotJson() {
        return new ApiError(400, new Item(9207, "Content-type must be application/json."));
    }

    /**
     * 404 / 7003 + 7000: unknown route, unknown or malformed identifier.
     *
     * @param path the request path relative to {@code /client/v4}, as Cloudflare reports it
     */
    public static ApiError noRoute(String path) {
        return new ApiError(404, List.of(
                new Item(7003, "Could not route to " + path + ", perhaps your object identifier is invalid?"),
                new Item(7000, "No route for that URI")), Map.of());
    }

    /** 405 / 10405 [G], with the {@code Allow} header listing the methods the route does accept. */
    public static ApiError methodNotAllowed(String allow) {
        return new ApiError(405, List.of(new Item(10405, "Method not allowed")), Map.of("Allow", allow));
    }

    /** 403 / 10000: missing, unknown or wrong credentials. */
    public static ApiError authentication() {
        return new ApiError(403, new Item(10000, "Authentication error"));
    }

    /** 400 / 6003 with error_chain 6111: an Authorization header that is not {@code Bearer <token>}. */
    public static ApiError malformedAuthorization() {
        return invalidRequestHeaders(List.of(new Item(6111, "Invalid format for Authorization header")));
    }

    /**
     * 400 / 6003 with error_chain 6102 (X-Auth-Email), 6103 (X-Auth-Key) or both, in that order, as Cloudflare
     * reports a pair of which either or both headers are malformed.
     */
    public static ApiError malformedAuthKeyHeaders(boolean email, boolean key) {
        if (!email && !key) {
            throw new IllegalArgumentException("at least one header must be malformed");
        }
        final List<Item> chain = new ArrayList<>(2);
        if (email) {
            chain.add(new Item(6102, "Invalid format for X-Auth-Email header"));
        }
        if (key) {
            chain.add(new Item(6103, "Invalid format for X-Auth-Key header"));
        }
        return invalidRequestHeaders(chain);
    }

    private static ApiError invalidRequestHeaders(List<Item> chain) {
        return new ApiError(400, new Item(6003, "Invalid request headers", chain));
    }

    /** 413 / 10413 [G]: the body exceeds the API's limit. */
    public static ApiError bodyTooLarge(int limitBytes) {
        return new ApiError(413, new Item(10413, "Request body too large (limit: " + limitBytes + " bytes)"));
    }

    /**
     * A request the HTTP layer refused before the API saw it (a bad request line, an ambiguous path, a URI or
     * headers over the listener's limits, a method the container rejects): the same status, in the envelope. [G]
     * The code is 10000 + the status (10400, 10414, 10431, 10501 …), as this API's own 10405 and 10413; a 404 is
     * the API's 7003/7000 and a 500 its 10001, whoever produced them.
     *
     * @param detail the listener's reason, or null
     * @param path   the request path relative to {@code /client/v4}, as {@link #noRoute} quotes it
     */
    public static ApiError refusedByListener(int status, String detail, String path) {
        if (status == 404) {
            return noRoute(path);
        }
        if (status < 400 || status > 599 || status == 500) {
            return internal();
        }
        final String reason = HttpStatus.getMessage(status);
        final String text = detail == null || detail.isBlank() || detail.equalsIgnoreCase(reason) ? reason
                : reason + ": " + clip(detail);
        return new ApiError(status, new Item(10000 + status, text));
    }

    /** At most 200 characters of a listener's detail, without control characters. */
    private static String clip(String detail) {
        final String printable = detail.replaceAll("\\p{Cntrl}", " ").strip();
        return printable.length() <= 200 ? printable : printable.substring(0, 200) + "…";
    }

    /**
     * 503 / 10503 [G]: the store that makes writes durable (a cluster's etcd) cannot be reached; {@code message}
     * says so and whether anything may have changed. Reads keep answering from the last configuration.
     */
    public static ApiError storeUnavailable(String message) {
        return new ApiError(503, new Item(10503, message));
    }

    /** 500 / 10001 [G]: our fault, never the client's input; the cause is logged, not returned. */
    public static ApiError internal() {
        return new ApiError(500, new Item(10001, "Internal error"));
    }

    private static String withSuffix(String detail) {
        return detail.endsWith(VALIDATION_SUFFIX) ? detail : detail + VALIDATION_SUFFIX;
    }
}
