package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;

/** One routed request: the request itself, the path parameters its route captured, and body access. */
final class Call {

    private final ApiRequest request;
    private final String relativePath;
    private final Map<String, String> params;

    Call(ApiRequest request, String relativePath, Map<String, String> params) {
        this.request = request;
        this.relativePath = relativePath;
        this.params = Map.copyOf(params);
    }

    /** This call with one more path parameter, for a route that supplies a value its path does not carry. */
    Call withParam(String name, String value) {
        final Map<String, String> more = new HashMap<>(params);
        if (more.putIfAbsent(name, value) != null) {
            throw new IllegalStateException("route already has parameter " + name);
        }
        return new Call(request, relativePath, more);
    }

    ApiRequest request() {
        return request;
    }

    /** The path relative to {@code /client/v4}, as error messages quote it. */
    String relativePath() {
        return relativePath;
    }

    String param(String name) {
        final String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no parameter " + name);
        }
        return value;
    }

    /** The 404 for this path: an unknown or malformed identifier anywhere in it. */
    ApiError notFound() {
        return ApiError.noRoute(relativePath);
    }

    /**
     * The body as a JSON object. 9207 without a JSON content type, 6007 when it is not well-formed JSON, 1002 when
     * it is JSON but not an object.
     */
    ObjectNode objectBody() {
        final JsonNode node = jsonBody();
        if (!node.isObject()) {
            throw ApiError.validation("request body: expected a JSON object, got " + kind(node));
        }
        return (ObjectNode) node;
    }

    JsonNode jsonBody() {
        if (!isJson(request.header("Content-Type"))) {
            throw ApiError.contentTypeNotJson();
        }
        return ApiJson.parse(request.body());
    }

    /**
     * {@code application/json} with a UTF-8 charset or none (RFC 8259 §8.1: JSON exchanged between systems is UTF-8),
     * compared ignoring case, the charset's value quoted or not; other parameters are ignored. Any other media type,
     * {@code application/*+json} included, is not the JSON this API reads.
     */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        final String[] parts = contentType.split(";", -1);
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            final String parameter = parts[i].strip();
            final int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")
                    && !isUtf8(parameter.substring(eq + 1).strip())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUtf8(String charset) {
        final String bare = charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")
                ? charset.substring(1, charset.length() - 1) : charset;
        return bare.equalsIgnoreCase("utf-8") || bare.equalsIgnoreCase("utf8");
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case NULL -> "null";
            default -> "something else";
        };
    }
}
