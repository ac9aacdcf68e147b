package dev.fulcrum.store;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The durable home of the configuration.
 *
 * <p>Changes travel as differences: a write is a {@link ConfigEdit} (puts and deletes of objects) computed from the
 * latest snapshot, and every listener is told the resulting {@link ConfigChange} (previous snapshot, next snapshot,
 * the ids that changed per kind), so that what each consumer derives from the configuration is updated in
 * proportion to the change, not rebuilt from the whole configuration.
 *
 * <p>Concurrency: writes are serialized; {@link #commit} computes the edit from the latest committed snapshot, so
 * no update is lost under concurrent writers. Readers call {@link #current()} without locking.
 *
 * <p>Failure: when {@link #commit} returns, the new snapshot is durable (survives kill -9 and power loss). If the
 * mutation throws, or persisting fails, nothing changes and the exception propagates to the caller.
 */
public interface ConfigStore extends AutoCloseable {

    /** The latest committed snapshot. Never null. */
    ConfigSnapshot current();

    /**
     * Asks {@code mutation} for the edit to make to the latest snapshot, commits it durably, then tells the
     * listeners. The mutation may throw (e.g. a validation error) to abort; it must not have side effects. An
     * edit that changes nothing commits nothing.
     *
     * @return the committed change; its {@link ConfigChange#next()} is the new snapshot (with its new revision), or
     *         the unchanged latest snapshot when the change is empty
     */
    ConfigChange commit(Function<ConfigSnapshot, ConfigEdit> mutation);

    /**
     * Applies {@code mutation} to the latest snapshot and commits the result durably, then notifies listeners.
     * The mutation may throw (e.g. a validation error) to abort; it must not have side effects. Returning the same
     * instance commits nothing. The store finds the change by comparing the two snapshots whole, so this costs in
     * proportion to the size of the configuration: writers that know what they change use {@link #commit}.
     *
     * @return the committed snapshot (with its new revision)
     */
    ConfigSnapshot update(UnaryOperator<ConfigSnapshot> mutation);

    /**
     * Registers a listener that receives every committed change, in commit order, and at once the change from the
     * empty configuration to the current one ({@link ConfigChange#initial}).
     */
    void addChangeListener(Consumer<ConfigChange> listener);

    /** Registers a listener that receives every committed snapshot, and at once the current one. */
    default void addListener(Consumer<ConfigSnapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        addChangeListener(new Consumer<>() {
            @Override
            public void accept(ConfigChange change) {
                listener.accept(change.next());
            }

            @Override
            public String toString() {
                return listener.toString();
            }
        });
    }

    @Override
    void close();
}
