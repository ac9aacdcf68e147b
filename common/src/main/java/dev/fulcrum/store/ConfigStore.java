package dev.fulcrum.store;

import dev.fulcrum.config.ConfigSnapshot;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The durable home of the configuration.
 *
 * <p>Concurrency: writes are serialized; {@link #update} applies the mutation to the latest committed snapshot, so
 * no update is lost under concurrent writers. Readers call {@link #current()} without locking.
 *
 * <p>Failure: when {@link #update} returns, the new snapshot is durable (survives kill -9 and power loss). If the
 * mutation throws, or persisting fails, nothing changes and the exception propagates to the caller.
 */
public interface ConfigStore extends AutoCloseable {

    /** The latest committed snapshot. Never null. */
    ConfigSnapshot current();

    /**
     * Applies {@code mutation} to the latest snapshot and commits the result durably, then notifies listeners.
     * The mutation may throw (e.g. a validation error) to abort; it must not have side effects. Returning the same
     * instance commits nothing.
     *
     * @return the committed snapshot (with its new revision)
     */
    ConfigSnapshot update(UnaryOperator<ConfigSnapshot> mutation);

    /** Registers a listener that receives every committed snapshot, and at once the current one. */
    void addListener(Consumer<ConfigSnapshot> listener);

    @Override
    void close();
}
