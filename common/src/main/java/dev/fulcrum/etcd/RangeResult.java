package dev.fulcrum.etcd;

import java.util.List;

/**
 * The answer to a range read.
 *
 * @param revision the store's revision the read saw (pass it to the next page to read one consistent state)
 * @param kvs      the keys found, in key order
 * @param more     true when a limit cut the answer short
 * @param count    how many keys the range holds, limit or not
 */
public record RangeResult(long revision, List<KeyValue> kvs, boolean more, long count) {

    public RangeResult {
        kvs = List.copyOf(kvs);
    }
}
