package dev.fulcrum.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * An etcd v3 client over etcd's JSON gateway, for the few calls a Fulcrum node needs: range reads, transactions,
 * watches, leases and compaction. Works with etcd 3.4 and later (the {@code /v3/} paths; 3.4's {@code /v3beta/}
 * alias is not used because 3.5 removed it).
 *
 * <p>Failover and authentication are described in {@link Gateway} and {@link Auth}. Every call blocks for at most
 * about {@link EtcdSettings#requestTimeout()} per member tried; an {@link EtcdException} says whether a write may
 * have been applied.
 *
 * <p>Thread safety: safe for concurrent calls. {@link #close()} fails the calls in flight.
 */
public final class EtcdClient implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Gateway gateway;

    private EtcdClient(Gateway gateway) {
        this.gateway = gateway;
    }

    /**
     * A client for {@code settings}; nothing is sent until the first call.
     *
     * @throws IllegalArgumentException when a TLS file cannot be used (the message names it)
     */
    public static EtcdClient connect(EtcdSettings settings) {
        return new EtcdClient(new Gateway(Objects.requireNonNull(settings, "settings"), MAPPER));
    }

    public EtcdSettings settings() {
        return gateway.settings();
    }

    /** The member the next call goes to first. */
    public URI preferredEndpoint() {
        return gateway.preferredEndpoint();
    }

    /** The value of one key at the latest revision (an empty list when absent). */
    public RangeResult get(String key) {
        return range(key, null, 0, 0);
    }

    /**
     * Reads the keys in [{@code key}, {@code rangeEnd}) in key order.
     *
     * @param rangeEnd null for {@code key} alone
     * @param revision the revision to read at, 0 for the latest
     * @param limit    the most keys to return, 0 for no limit
     * @throws EtcdException when no member answers, or the revision is compacted (grpc code 11)
     */
    public RangeResult range(String key, String rangeEnd, long revision, long limit) {
        final ObjectNode body = MAPPER.createObjectNode().put("key", Txn.b64(key));
        if (rangeEnd != null) {
            body.put("range_end", Txn.b64(rangeEnd));
        }
        if (revision > 0) {
            body.put("revision", revision);
        }
        if (limit > 0) {
            body.put("limit", limit);
        }
        final JsonNode answer = gateway.call("/v3/kv/range", body, true);
        return new RangeResult(revision(answer), kvs(answer.path("kvs")), answer.path("more").asBoolean(false),
                answer.path("count").asLong(0));
    }

    /** Runs {@code txn}; a failed comparison is a result ({@code succeeded == false}), not an exception. */
    public TxnResult txn(Txn txn) {
        final JsonNode answer = gateway.call("/v3/kv/txn", txn.toJson(), false);
        final List<List<KeyValue>> ranges = new ArrayList<>();
        for (JsonNode response : answer.path("responses")) {
            final JsonNode range = response.get("response_range");
            if (range != null) {
                ranges.add(kvs(range.path("kvs")));
            }
        }
        return new TxnResult(answer.path("succeeded").asBoolean(false), revision(answer), ranges);
    }

    /** Stores one value, unconditionally; returns the revision of the write. */
    public long put(String key, byte[] value) {
        return txn(new Txn().put(key, value)).revision();
    }

    /** Grants a lease of {@code ttlSeconds}; returns its id. */
    public long grantLease(long ttlSeconds) {
        final JsonNode answer = gateway.call("/v3/lease/grant", MAPPER.createObjectNode().put("TTL", ttlSeconds),
                false);
        final long id = answer.path("ID").asLong(0);
        if (id == 0) {
            throw EtcdException.refused(-1, "etcd granted no lease: " + answer.path("error").asText(""));
        }
        return id;
    }

    /** Renews a lease; returns its new time to live in seconds, 0 when the lease no longer exists. */
    public long keepAlive(long leaseId) {
        final JsonNode answer = gateway.call("/v3/lease/keepalive", MAPPER.createObjectNode().put("ID", leaseId),
                true);
        final JsonNode result = answer.has("result") ? answer.get("result") : answer;
        return result.path("TTL").asLong(0);
    }

    /** Revokes a lease, deleting the keys bound to it; a lease that is already gone is fine. */
    public void revokeLease(long leaseId) {
        try {
            gateway.call("/v3/lease/revoke", MAPPER.createObjectNode().put("ID", leaseId), true);
        } catch (EtcdException e) {
            if (e.outcome() != EtcdException.Outcome.REFUSED || !e.getMessage().contains("lease not found")) {
                throw e;
            }
        }
    }

    /** Compacts the key history up to {@code revision} (what an operator's auto-compaction does). */
    public void compact(long revision) {
        gateway.call("/v3/kv/compaction", MAPPER.createObjectNode().put("revision", revision), true);
    }

    /**
     * Opens a watch of [{@code key}, {@code rangeEnd}) from {@code startRevision} with progress notifications on;
     * read it with {@link WatchStream#next()}.
     *
     * @param idleTimeout how long the stream may stay silent before it is considered dead: longer than etcd's
     *                    progress notification interval ({@code --experimental-watch-progress-notify-interval},
     *                    10 minutes by default)
     */
    public WatchStream watch(String key, String rangeEnd, long startRevision, Duration idleTimeout) {
        final ObjectNode create = MAPPER.createObjectNode();
        final ObjectNode request = create.putObject("create_request").put("key", Txn.b64(key))
                .put("range_end", Txn.b64(rangeEnd)).put("progress_notify", true);
        if (startRevision > 0) {
            request.put("start_revision", startRevision);
        }
        return new WatchStream(gateway.stream("/v3/watch", create, idleTimeout), MAPPER);
    }

    /** Moves the next calls past {@code endpoint} (e.g. after a watch on it went silent). */
    public void avoid(URI endpoint) {
        gateway.avoid(endpoint);
    }

    /**
     * The end of the range of keys that start with {@code prefix}: the prefix with its last character incremented
     * (etcd's "prefix" range). The prefix must end in an ASCII character below DEL.
     */
    public static String prefixEnd(String prefix) {
        if (prefix.isEmpty() || prefix.charAt(prefix.length() - 1) >= 0x7f) {
            throw new IllegalArgumentException("prefix '" + prefix + "' (expected: ending in an ASCII character)");
        }
        return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
    }

    @Override
    public void close() {
        gateway.close();
    }

    static long revision(JsonNode answer) {
        return answer.path("header").path("revision").asLong(0);
    }

    static List<KeyValue> kvs(JsonNode array) {
        final List<KeyValue> out = new ArrayList<>(array.size());
        for (JsonNode kv : array) {
            out.add(keyValue(kv));
        }
        return out;
    }

    static KeyValue keyValue(JsonNode kv) {
        final String value = kv.path("value").asText("");
        return new KeyValue(new String(Base64.getDecoder().decode(kv.path("key").asText("")), StandardCharsets.UTF_8),
                value.isEmpty() ? new byte[0] : Base64.getDecoder().decode(value),
                kv.path("create_revision").asLong(0), kv.path("mod_revision").asLong(0),
                kv.path("version").asLong(0), kv.path("lease").asLong(0));
    }
}
