package dev.fulcrum.etcd;

import java.util.List;

/**
 * The answer to a transaction.
 *
 * @param succeeded whether every comparison held (then the success operations ran, else the failure ones)
 * @param revision  the store's revision after the transaction: the revision of its writes when it wrote
 * @param ranges    the keys read by the range operations that ran, one list per range operation, in order
 */
public record TxnResult(boolean succeeded, long revision, List<List<KeyValue>> ranges) {

    public TxnResult {
        ranges = List.copyOf(ranges);
    }
}
