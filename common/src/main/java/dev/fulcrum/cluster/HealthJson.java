package dev.fulcrum.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.health.OriginHealth;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The values of the {@code nodes/} and {@code health/} keys: a node's description, and its verdicts for one pool
 * (per origin key {@code address:port}: healthy, rtt in milliseconds, failure reason, response code) with the time
 * they were published.
 */
final class HealthJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private HealthJson() {
    }

    /** What a node says of itself. */
    record Node(String name, String region, String pop, Instant started) {
    }

    static byte[] node(Node node) {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("name", node.name());
        o.put("region", node.region());
        o.put("pop", node.pop());
        o.put("started", node.started().toString());
        return bytes(o);
    }

    static Node node(byte[] value) throws IOException {
        final JsonNode o = MAPPER.readTree(value);
        if (o == null || !o.isObject() || !o.path("name").isTextual()) {
            throw new IOException("not a node description");
        }
        return new Node(o.get("name").textValue(), text(o, "region"), text(o, "pop"),
                Instant.parse(o.path("started").asText(Instant.EPOCH.toString())));
    }

    static byte[] pool(Map<String, OriginHealth> origins, Instant time) {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("time", time.toString());
        final ObjectNode out = o.putObject("origins");
        origins.forEach((key, health) -> {
            final ObjectNode origin = out.putObject(key);
            origin.put("healthy", !health.failed());
            if (!Double.isNaN(health.rttMillis())) {
                origin.put("rtt_ms", health.rttMillis());
            }
            origin.put("failure_reason", health.failureReason());
            origin.put("response_code", health.responseCode());
        });
        return bytes(o);
    }

    static Map<String, OriginHealth> pool(byte[] value) throws IOException {
        final JsonNode o = MAPPER.readTree(value);
        final JsonNode origins = o == null ? null : o.get("origins");
        if (origins == null || !origins.isObject()) {
            throw new IOException("not a pool's health results");
        }
        final Map<String, OriginHealth> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = origins.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> e = it.next();
            final JsonNode origin = e.getValue();
            out.put(e.getKey(), new OriginHealth(origin.path("healthy").asBoolean(false),
                    origin.has("rtt_ms") ? origin.get("rtt_ms").asDouble() : Double.NaN,
                    text(origin, "failure_reason"), origin.path("response_code").asInt(0)));
        }
        return Map.copyOf(out);
    }

    private static String text(JsonNode o, String field) {
        final JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
