package dev.fulcrum.routing;

import dev.fulcrum.routing.origin.OriginCandidates;

/** An immutable array of origins a pool may pick from, adapted to {@link OriginCandidates}. */
final class OriginSet implements OriginCandidates {

    private final OriginPlan[] origins;
    private final OriginConnections connectionCounts;

    OriginSet(OriginPlan[] origins, OriginConnections connectionCounts) {
        this.origins = origins;
        this.connectionCounts = connectionCounts;
    }

    OriginPlan get(int index) {
        return origins[index];
    }

    boolean isEmpty() {
        return origins.length == 0;
    }

    @Override
    public int size() {
        return origins.length;
    }

    @Override
    public double weight(int index) {
        return origins[index].weight;
    }

    @Override
    public long identityHash(int index) {
        return origins[index].identityHash;
    }

    @Override
    public int outstanding(int index) {
        return origins[index].inFlight.get();
    }

    @Override
    public int connections(int index) {
        // In-flight stands in until the wrapper reports connections (see OriginConnections).
        return connectionCounts.reported() ? origins[index].connections.get() : origins[index].inFlight.get();
    }
}
