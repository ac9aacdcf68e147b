package dev.fulcrum.etcd;

/**
 * One change a watch reports.
 *
 * @param type PUT (created or changed; {@code kv} holds the new value) or DELETE ({@code kv} holds the key and the
 *             deleting revision only; also what a lease's expiry looks like)
 */
public record WatchEvent(Type type, KeyValue kv) {

    public enum Type {
        PUT, DELETE
    }
}
