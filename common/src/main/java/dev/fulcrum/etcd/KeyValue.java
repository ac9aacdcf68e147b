package dev.fulcrum.etcd;

import java.nio.charset.StandardCharsets;

/**
 * One stored key as etcd returns it.
 *
 * @param key            the key, as UTF-8 text
 * @param value          the value's bytes (empty for the key of a DELETE event); not copied, do not modify
 * @param createRevision the revision that created the key (0 in a DELETE event)
 * @param modRevision    the revision of the key's last change
 * @param version        how many times the key changed since its creation (0 once deleted)
 * @param lease          the lease the key is bound to, 0 for none
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    /** The value as UTF-8 text. */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "KeyValue[" + key + " @" + modRevision + ", " + value.length + " bytes]";
    }
}
