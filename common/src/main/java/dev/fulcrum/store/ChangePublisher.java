package dev.fulcrum.store;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part every {@link ConfigStore} shares once a change is durable (or, for a replicated store, once it arrives):
 * the current snapshot, read without locks, and the listeners, told each change in commit order. A store applies
 * its edit ({@link ConfigSnapshot#apply}) and hands the change to {@link #publish}; e.g. a watch on a distributed
 * store turns each event into a {@code ConfigEdit}, applies it to {@link #current()} and publishes the result.
 *
 * <p>Concurrency: {@link #publish} and {@link #addListener} are serialized with each other, so a new listener sees
 * the current snapshot and then every later change, none twice, none missed. The store serializes its own writes
 * (a change must start at {@link #current()}). Listeners run on the publishing thread and must be quick; one that
 * throws is logged and does not stop the others (the change is committed already).
 */
public final class ChangePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);

    private final List<Consumer<ConfigChange>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile ConfigSnapshot current;

    public ChangePublisher(ConfigSnapshot initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    /** The latest published snapshot. */
    public ConfigSnapshot current() {
        return current;
    }

    /**
     * Makes {@code change.next()} current and tells every listener.
     *
     * @throws IllegalArgumentException when the change does not start at the current snapshot
     */
    public void publish(ConfigChange change) {
        Objects.requireNonNull(change, "change");
        synchronized (lock) {
            if (change.previous() != current) {
                throw new IllegalArgumentException("change from revision " + change.previous().revision()
                        + " does not start at the current revision " + current.revision());
            }
            current = change.next();
            for (Consumer<ConfigChange> listener : listeners) {
                deliver(listener, change);
            }
        }
    }

    /** Registers {@code listener} and tells it at once the change from nothing to the current snapshot. */
    public void addListener(Consumer<ConfigChange> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
            deliver(listener, ConfigChange.initial(current));
        }
    }

    private static void deliver(Consumer<ConfigChange> listener, ConfigChange change) {
        try {
            listener.accept(change);
        } catch (RuntimeException e) {
            // The commit is durable already; one faulty listener must not hide it from the others.
            LOG.warn("config listener " + listener + " failed on revision "
                    + change.next().revision(), e);
        }
    }
}
