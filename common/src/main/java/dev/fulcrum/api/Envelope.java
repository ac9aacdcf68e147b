package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.function.Function;

/**
 * Cloudflare's response envelope (spec §7.2): {@code success}, {@code errors}, {@code messages}, {@code result} and,
 * for collections, {@code result_info}.
 */
public final class Envelope {

    /** Paging facts of a collection result. */
    public record ResultInfo(int page, int perPage, int count, int totalCount, int totalPages) {

        /** A whole, unpaged collection of {@code size} items: page 1 of 1 (of 0 when empty, as paged lists say). */
        public static ResultInfo singlePage(int size) {
            return new ResultInfo(1, size, size, size, size == 0 ? 0 : 1);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Envelope() {
    }

    public static ObjectNode success(JsonNode result) {
        return success(result, null, List.of());
    }

    /** The answer to a DELETE: Cloudflare returns only the id of what was deleted. */
    public static ObjectNode deleted(String id) {
        final ObjectNode result = NODES.objectNode();
        result.put("id", id);
        return success(result);
    }

    /** A whole collection on one page: each item as {@code write} makes it, in the list's order. */
    public static <T> ObjectNode singlePage(List<T> items, Function<T, ? extends JsonNode> write) {
        final ArrayNode result = NODES.arrayNode(items.size());
        items.forEach(item -> result.add(write.apply(item)));
        return success(result, ResultInfo.singlePage(items.size()));
    }

    public static ObjectNode success(JsonNode result, ResultInfo info) {
        return success(result, info, List.of());
    }

    /**
     * @param info     null for a single object
     * @param messages informational items for {@code messages}, usually none
     */
    public static ObjectNode success(JsonNode result, ResultInfo info, List<ApiError.Item> messages) {
        final ObjectNode envelope = NODES.objectNode();
        envelope.put("success", true);
        envelope.putArray("errors");
        envelope.set("messages", items(messages));
        envelope.set("result", result == null ? NODES.nullNode() : result);
        if (info != null) {
            final ObjectNode ri = envelope.putObject("result_info");
            ri.put("page", info.page());
            ri.put("per_page", info.perPage());
            ri.put("count", info.count());
            ri.put("total_count", info.totalCount());
            ri.put("total_pages", info.totalPages());
        }
        return envelope;
    }

    public static ObjectNode failure(ApiError error) {
        final ObjectNode envelope = NODES.objectNode();
        envelope.put("success", false);
        envelope.set("errors", items(error.items()));
        envelope.putArray("messages");
        envelope.putNull("result");
        return envelope;
    }

    private static ArrayNode items(List<ApiError.Item> items) {
        final ArrayNode array = NODES.arrayNode();
        for (ApiError.Item item : items) {
            final ObjectNode node = array.addObject();
            node.put("code", item.code());
            node.put("message", item.message());
            if (!item.chain().isEmpty()) {
                node.set("error_chain", items(item.chain()));
            }
        }
        return array;
    }
}
