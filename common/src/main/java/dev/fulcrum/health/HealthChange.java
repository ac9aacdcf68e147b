package dev.fulcrum.health;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one health publication changed: the snapshot before, the one after and the ids of the pools whose results
 * differ, so that the router rebuilds only those pools' plans.
 *
 * <p>Immutable; the id set is sorted and unmodifiable.
 */
public final class HealthChange {

    private final HealthSnapshot previous;
    private final HealthSnapshot next;
    private final Set<String> pools;

    HealthChange(HealthSnapshot previous, HealthSnapshot next, Set<String> pools) {
        this.previous = Objects.requireNonNull(previous, "previous");
        this.next = Objects.requireNonNull(next, "next");
        this.pools = Collections.unmodifiableSet(new TreeSet<>(pools));
    }

    /**
     * The change from {@code previous} to {@code next}, found by comparing every pool's results (identity
     * first): for a consumer that only has the two snapshots, at a cost in proportion to their size.
     */
    public static HealthChange between(HealthSnapshot previous, HealthSnapshot next) {
        final Set<String> changed = new TreeSet<>();
        if (previous.pools() != next.pools()) {
            next.pools().forEach((id, results) -> {
                final Map<String, OriginHealth> old = previous.pools().get(id);
                if (old != results && !results.equals(old)) {
                    changed.add(id);
                }
            });
            for (String id : previous.pools().keySet()) {
                if (!next.pools().containsKey(id)) {
                    changed.add(id);
                }
            }
        }
        return new HealthChange(previous, next, changed);
    }

    /** No change: {@code snapshot} before and after. */
    public static HealthChange none(HealthSnapshot snapshot) {
        return new HealthChange(snapshot, snapshot, Set.of());
    }

    /** This change for a consumer whose last snapshot is {@code seen} (see {@code ConfigChange.since}). */
    public HealthChange since(HealthSnapshot seen) {
        return seen == previous ? this : between(seen, next);
    }

    public HealthSnapshot previous() {
        return previous;
    }

    public HealthSnapshot next() {
        return next;
    }

    /** Ids of the pools whose results were added, replaced or removed. */
    public Set<String> pools() {
        return pools;
    }

    public boolean isEmpty() {
        return pools.isEmpty();
    }
}
