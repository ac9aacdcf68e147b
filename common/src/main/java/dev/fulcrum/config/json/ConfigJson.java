package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Pool;

import java.time.Instant;

/**
 * The one place where Cloudflare's JSON meets the model: parsing with defaults and field validation (spec §1–3, §6),
 * PUT/PATCH semantics, and writing objects back with every default echoed.
 *
 * <p>Referential checks (pool ids exist, monitor exists, name unique) need the whole snapshot and live with the
 * API; everything that can be judged from the object alone is judged here, raising {@link ConfigException} with
 * code 1002 messages.
 *
 * <p>Thread safety: stateless, safe to share.
 */
public final class ConfigJson {

    /** Identity and timestamps the server assigns; client-sent read-only fields are ignored. */
    public record Meta(String id, String ownerId, Instant createdOn, Instant modifiedOn) {
    }

    /** The shared mapper (snake_case, ISO timestamps). */
    public static ObjectMapper mapper() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Parses a full object (POST or PUT body): omitted optional fields take their defaults. */
    public LoadBalancer readLoadBalancer(JsonNode body, Meta meta) throws ConfigException {
        throw new UnsupportedOperationException("TODO");
    }

    public Pool readPool(JsonNode body, Meta meta, Pool previous) throws ConfigException {
        throw new UnsupportedOperationException("TODO");
    }

    public Monitor readMonitor(JsonNode body, Meta meta) throws ConfigException {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * PATCH: a top-level merge of {@code patch} over the stored object's JSON; a JSON null resets the field to its
     * default. The result is then read as a full object.
     */
    public ObjectNode merge(ObjectNode stored, JsonNode patch) {
        throw new UnsupportedOperationException("TODO");
    }

    public ObjectNode write(LoadBalancer lb, String zoneName) {
        throw new UnsupportedOperationException("TODO");
    }

    public ObjectNode write(Pool pool) {
        throw new UnsupportedOperationException("TODO");
    }

    public ObjectNode write(Monitor monitor) {
        throw new UnsupportedOperationException("TODO");
    }
}
