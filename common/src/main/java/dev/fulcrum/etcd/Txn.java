package dev.fulcrum.etcd;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One etcd transaction: comparisons, then the operations to run when every comparison holds ("success") or when one
 * fails ("failure"). etcd applies it atomically at one revision.
 *
 * <p>Mind etcd's limits: at most {@code --max-txn-ops} operations per branch (128 by default) and requests of at
 * most {@code --max-request-bytes} (1.5 MiB by default).
 *
 * <p>Not thread-safe: build it on one thread, then send it.
 */
public final class Txn {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ArrayNode compare = NODES.arrayNode();
    private final ArrayNode success = NODES.arrayNode();
    private final ArrayNode failure = NODES.arrayNode();

    /** Holds when {@code key}'s last change was at {@code modRevision}; 0 means "the key does not exist". */
    public Txn ifModRevision(String key, long modRevision) {
        compare.addObject().put("key", b64(key)).put("target", "MOD").put("result", "EQUAL")
                .put("mod_revision", modRevision);
        return this;
    }

    /** Holds when {@code key}'s last change was at {@code modRevision} or before (a missing key counts as 0). */
    public Txn ifModRevisionAtMost(String key, long modRevision) {
        compare.addObject().put("key", b64(key)).put("target", "MOD").put("result", "LESS")
                .put("mod_revision", modRevision + 1);
        return this;
    }

    /** Holds when {@code key} does not exist. */
    public Txn ifAbsent(String key) {
        compare.addObject().put("key", b64(key)).put("target", "CREATE").put("result", "EQUAL")
                .put("create_revision", 0);
        return this;
    }

    /** Holds when no key lies in [{@code key}, {@code rangeEnd}) (etcd 3.3+ compares whole ranges). */
    public Txn ifRangeEmpty(String key, String rangeEnd) {
        compare.addObject().put("key", b64(key)).put("range_end", b64(rangeEnd)).put("target", "CREATE")
                .put("result", "EQUAL").put("create_revision", 0);
        return this;
    }

    /** On success, stores {@code value} under {@code key}. */
    public Txn put(String key, byte[] value) {
        return put(key, value, 0);
    }

    /** On success, stores {@code value} under {@code key}, bound to {@code lease} (0 for none). */
    public Txn put(String key, byte[] value, long lease) {
        final ObjectNode put = success.addObject().putObject("request_put").put("key", b64(key))
                .put("value", Base64.getEncoder().encodeToString(value));
        if (lease != 0) {
            put.put("lease", lease);
        }
        return this;
    }

    /** On success, deletes {@code key}. */
    public Txn delete(String key) {
        success.addObject().putObject("request_delete_range").put("key", b64(key));
        return this;
    }

    /** On success, deletes every key in [{@code key}, {@code rangeEnd}). */
    public Txn deleteRange(String key, String rangeEnd) {
        success.addObject().putObject("request_delete_range").put("key", b64(key)).put("range_end", b64(rangeEnd));
        return this;
    }

    /** On success, also reads {@code key} (its list in {@link TxnResult#ranges()}). */
    public Txn thenGet(String key) {
        success.addObject().putObject("request_range").put("key", b64(key));
        return this;
    }

    /** On failure, reads {@code key} instead (its list in {@link TxnResult#ranges()}). */
    public Txn elseGet(String key) {
        failure.addObject().putObject("request_range").put("key", b64(key));
        return this;
    }

    /** Operations of the success branch (what etcd's {@code --max-txn-ops} counts). */
    public int operations() {
        return success.size();
    }

    ObjectNode toJson() {
        final ObjectNode body = NODES.objectNode();
        body.set("compare", compare);
        body.set("success", success);
        body.set("failure", failure);
        return body;
    }

    static String b64(String key) {
        return Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }
}
