package dev.fulcrum.routing.steering;

/**
 * {@code geo}: failover order within the list the geo maps selected (spec §4.2). The map precedence itself
 * ({@code pop_pools} → {@code country_pools} → {@code region_pools} → {@code default_pools}) is a candidate
 * stage, see {@link GeoCandidates}; by the time this policy runs the list is already the right one.
 */
final class Geo implements PoolSteering {

    static final Geo INSTANCE = new Geo();

    private Geo() {
    }

    @Override
    public int choose(PoolCandidates candidates, long usable) {
        return Failover.first(usable);
    }

    @Override
    public String toString() {
        return "geo";
    }
}
