package dev.fulcrum.store;

/**
 * A write refused because the store that would make it durable cannot be reached (the etcd cluster of a
 * {@link EtcdConfigStore}). The API answers it with a 503 in Cloudflare's envelope; reads keep answering from the
 * last configuration.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean maybeApplied;

    StoreUnavailableException(String message, boolean maybeApplied, Throwable cause) {
        super(message, cause);
        this.maybeApplied = maybeApplied;
    }

    /**
     * False when the write certainly changed nothing; true when it reached the store and the answer was lost, so
     * it may have been applied (read the object again once the store is back).
     */
    public boolean maybeApplied() {
        return maybeApplied;
    }
}
