package dev.fulcrum.routing.origin;

import dev.fulcrum.request.Hashing;

/** Origins with settable attributes, for testing origin policies without a router. */
final class FakeOrigins implements OriginCandidates {

    final double[] weights;
    final long[] identities;
    final int[] outstanding;
    final int[] connections;

    FakeOrigins(double... weights) {
        this.weights = weights.clone();
        this.identities = new long[weights.length];
        for (int i = 0; i < weights.length; i++) {
            identities[i] = Hashing.of("10.0.0." + (i + 1) + ":80");
        }
        this.outstanding = new int[weights.length];
        this.connections = new int[weights.length];
    }

    /** The same origins without the one at {@code removed} (identities kept). */
    FakeOrigins without(int removed) {
        final FakeOrigins copy = new FakeOrigins(new double[weights.length - 1]);
        for (int i = 0, j = 0; i < weights.length; i++) {
            if (i != removed) {
                copy.weights[j] = weights[i];
                copy.identities[j] = identities[i];
                j++;
            }
        }
        return copy;
    }

    @Override
    public int size() {
        return weights.length;
    }

    @Override
    public double weight(int index) {
        return weights[index];
    }

    @Override
    public long identityHash(int index) {
        return identities[index];
    }

    @Override
    public int outstanding(int index) {
        return outstanding[index];
    }

    @Override
    public int connections(int index) {
        return connections[index];
    }
}
