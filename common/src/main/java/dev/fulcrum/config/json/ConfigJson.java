package dev.fulcrum.config.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigError;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;

import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The one place where Cloudflare's JSON meets the model: parsing with defaults and field validation (spec §1–3,
 * §6), PUT/PATCH semantics, and writing objects back with every default echoed.
 *
 * <p>Referential checks (pool ids exist, monitor exists, name unique, LB name inside its zone) need the whole
 * snapshot and live with the API; everything that can be judged from the object alone is judged here, raising
 * {@link ConfigException} with every problem found, each a code 1002 {@link ConfigError} whose message reads
 * {@code origins[2].weight: 1.5 (expected: number 0-1 in steps of 0.01): validation failed}. No other exception
 * escapes the read methods, whatever the JSON.
 *
 * <p>Typical use: POST/PUT {@code readPool(body, meta, previous)}; PATCH
 * {@code readPool(merge(write(stored), patch), meta, stored)}; response {@code write(pool)}.
 *
 * <p>Thread safety: stateless, safe to share.
 */
public final class ConfigJson {

    /** Client-sent fields that the server owns; PUT, POST and PATCH ignore them. */
    public static final Set<String> READ_ONLY = Set.of("id", "created_on", "modified_on", "zone_name", "disabled_at");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .addModule(new SimpleModule("fulcrum-time")
                    .addSerializer(Instant.class, new InstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .build();

    /**
     * Identity and timestamps the server assigns; timestamps are kept to the microsecond (what the JSON carries).
     *
     * @param ownerId the zone id for a load balancer, the account id for a pool, monitor or monitor group
     */
    public record Meta(String id, String ownerId, Instant createdOn, Instant modifiedOn) {

        public Meta {
            createdOn = createdOn == null ? null : Timestamps.truncate(createdOn);
            modifiedOn = modifiedOn == null ? null : Timestamps.truncate(modifiedOn);
        }

        /** A new object's identity: a fresh id, created and modified now. */
        public static Meta create(String ownerId, Instant now) {
            return new Meta(Ids.newId(), ownerId, now, now);
        }

        /** The identity after an update of an object created at {@code createdOn}. */
        public static Meta update(String id, String ownerId, Instant createdOn, Instant now) {
            return new Meta(id, ownerId, createdOn, now);
        }
    }

    /**
     * The shared mapper: snake_case property names, unknown properties ignored, trailing tokens refused, and
     * {@link Instant} written as RFC 3339 UTC with microseconds ({@code 2014-01-01T05:20:00.123450Z}).
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** An instant as the API writes it: RFC 3339 UTC with 6 fractional digits. */
    public static String timestamp(Instant t) {
        return Timestamps.format(t);
    }

    /** Parses an RFC 3339 date-time; null when the text is not one. */
    public static Instant parseTimestamp(String text) {
        return text == null ? null : Timestamps.parse(text);
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    /** Parses a full load balancer (POST or PUT body): omitted optional fields take their defaults. */
    public LoadBalancer readLoadBalancer(JsonNode body, Meta meta) throws ConfigException {
        return guard(() -> LoadBalancerReader.read(body, meta, true));
    }

    /**
     * Parses a full pool (POST or PUT body): omitted optional fields take their defaults.
     *
     * @param previous the stored pool being replaced, or null on create; a pool or origin that was already
     *                 disabled keeps its {@code disabled_at}, a newly disabled one gets {@code meta.modifiedOn()}
     */
    public Pool readPool(JsonNode body, Meta meta, Pool previous) throws ConfigException {
        return guard(() -> PoolReader.read(body, meta, previous, false));
    }

    /** Parses a full monitor (POST or PUT body): omitted optional fields take their defaults. */
    public Monitor readMonitor(JsonNode body, Meta meta) throws ConfigException {
        return guard(() -> MonitorReader.read(body, meta));
    }

    /**
     * Parses a full monitor group (POST or PUT body).
     *
     * @param previous the stored group being replaced, or null on create; members already in it keep their
     *                 {@code created_at} (and {@code updated_at} while unchanged)
     */
    public MonitorGroup readMonitorGroup(JsonNode body, Meta meta, MonitorGroup previous) throws ConfigException {
        return guard(() -> MonitorGroupReader.read(body, meta, previous, false));
    }

    /**
     * PATCH of a load balancer: {@link #merge} over its stored JSON, except that a {@code session_affinity_ttl} that
     * only held the default of the old affinity follows a change of {@code session_affinity} to the new affinity's
     * default (cookie 82800 s, header 1800 s), as if it had never been set. An explicit TTL is kept. A JSON null
     * {@code pool_sets} changes nothing (Cloudflare's rule for that field), unlike null elsewhere.
     */
    public ObjectNode mergeLoadBalancer(LoadBalancer stored, String zoneName, JsonNode patch) throws ConfigException {
        final ObjectNode current = write(stored, zoneName);
        final ObjectNode merged = merge(current, patch);
        // Cloudflare's pool_sets PATCH (spec §4.6): null leaves the pool sets as they are; only [] clears them.
        final JsonNode poolSets = patch.get("pool_sets");
        if (poolSets != null && poolSets.isNull() && current.has("pool_sets")) {
            merged.set("pool_sets", current.get("pool_sets"));
        }
        final boolean affinityChanged = patch.has("session_affinity")
                && !patch.get("session_affinity").asText("none").equals(stored.sessionAffinity());
        if (affinityChanged && !patch.has("session_affinity_ttl") && stored.sessionAffinityTtl() != null
                && stored.sessionAffinityTtl() == LoadBalancerReader.defaultTtl(stored.sessionAffinity())) {
            merged.remove("session_affinity_ttl");
        }
        return merged;
    }

    /**
     * PATCH: a top-level merge of {@code patch} over the stored object's JSON (as {@link #write} produced it).
     * Supplied keys replace stored ones whole (nested objects included); a JSON null removes the key so the field
     * takes its default when the result is read; read-only keys ({@link #READ_ONLY}) are ignored. The result is
     * then read as a full object. {@code stored} is not modified.
     *
     * @throws ConfigException (1002) when {@code patch} is not a JSON object
     */
    public ObjectNode merge(ObjectNode stored, JsonNode patch) throws ConfigException {
        if (patch == null || !patch.isObject()) {
            throw new ConfigException(new ConfigError("", "body: " + Fields.show(patch)
                    + " (expected: a JSON object): validation failed", Fields.VALIDATION_FAILED));
        }
        final ObjectNode out = stored.deepCopy();
        final Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            if (READ_ONLY.contains(e.getKey())) {
                continue;
            }
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return out;
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    /** The load balancer as the API returns it, every field present, with its read-only {@code zone_name}. */
    public ObjectNode write(LoadBalancer lb, String zoneName) {
        return ConfigWriter.loadBalancer(lb, zoneName);
    }

    /** The pool as the API returns it, every field present ({@code disabled_at} only while disabled). */
    public ObjectNode write(Pool pool) {
        return ConfigWriter.pool(pool);
    }

    /** The monitor as the API returns it, every field present. */
    public ObjectNode write(Monitor monitor) {
        return ConfigWriter.monitor(monitor);
    }

    /** The monitor group as the API returns it, every field present. */
    public ObjectNode write(MonitorGroup group) {
        return ConfigWriter.monitorGroup(group);
    }

    // ---- the store's own copies --------------------------------------------------------------------------------

    /**
     * Reads a load balancer the store wrote: {@link #write} output plus {@code zone_id}. Identity and timestamps
     * come from the JSON; the object is validated like an API body, except that rule conditions are not compiled:
     * one stored by an older version whose grammar was looser must not stop the start (the router logs it and lets
     * that rule match nothing; the next write of the load balancer refuses it).
     */
    public LoadBalancer restoreLoadBalancer(JsonNode stored) throws ConfigException {
        return guard(() -> LoadBalancerReader.read(stored, storedMeta(stored, "zone_id"), false));
    }

    /** Reads a pool the store wrote ({@link #write} output plus {@code account_id}), keeping its disabled_at. */
    public Pool restorePool(JsonNode stored) throws ConfigException {
        return guard(() -> PoolReader.read(stored, storedMeta(stored, "account_id"), null, true));
    }

    /** Reads a monitor the store wrote ({@link #write} output plus {@code account_id}). */
    public Monitor restoreMonitor(JsonNode stored) throws ConfigException {
        return guard(() -> MonitorReader.read(stored, storedMeta(stored, "account_id")));
    }

    /** Reads a monitor group the store wrote ({@link #write} output plus {@code account_id}). */
    public MonitorGroup restoreMonitorGroup(JsonNode stored) throws ConfigException {
        return guard(() -> MonitorGroupReader.read(stored, storedMeta(stored, "account_id"), null, true));
    }

    private static Meta storedMeta(JsonNode stored, String ownerField) {
        final Problems problems = new Problems();
        final Fields f = Fields.root(stored, problems);
        final String id = f.requiredId("id", "an object");
        final String owner = f.requiredId(ownerField, "an owner");
        final Instant created = storedTime(f, "created_on");
        final Instant modified = storedTime(f, "modified_on");
        problems.throwIfAny();
        return new Meta(id, owner, created, modified);
    }

    private static Instant storedTime(Fields f, String field) {
        // Parsed once, by the check itself: two timestamps per object add up at a start from a large store.
        final Instant[] parsed = new Instant[1];
        f.requiredString(field, "an RFC 3339 timestamp", s -> (parsed[0] = Timestamps.parse(s)) != null);
        return parsed[0];
    }

    private interface Read<T> {
        T read();
    }

    /** Keeps the promise that reading throws nothing but {@link ConfigException}, whatever the input. */
    private static <T> T guard(Read<T> read) {
        try {
            return read.read();
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(new ConfigError("", "body: unreadable (" + e.getClass().getSimpleName()
                    + "): validation failed", Fields.VALIDATION_FAILED));
        }
    }

    // ---- Instant codec for the mapper --------------------------------------------------------------------------

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(Timestamps.format(value));
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            final Instant t = Timestamps.parse(p.getText());
            if (t == null) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getText(),
                        "expected an RFC 3339 timestamp");
            }
            return t;
        }
    }
}
