package dev.fulcrum.routing.steering;

import java.util.Arrays;

/** Candidate pools with settable attributes, for testing policies without a router. */
final class FakeCandidates implements PoolCandidates {

    final double[] weights;
    final double[] rtt;
    final double[] distance;
    final int[] outstanding;
    final int[] connections;

    FakeCandidates(double... weights) {
        this.weights = weights.clone();
        this.rtt = filled(weights.length, Double.NaN);
        this.distance = filled(weights.length, Double.NaN);
        this.outstanding = new int[weights.length];
        this.connections = new int[weights.length];
    }

    static FakeCandidates equal(int n) {
        return new FakeCandidates(filled(n, 1.0));
    }

    long all() {
        return weights.length == 64 ? -1L : (1L << weights.length) - 1;
    }

    private static double[] filled(int n, double value) {
        final double[] a = new double[n];
        Arrays.fill(a, value);
        return a;
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
    public double rttMillis(int index) {
        return rtt[index];
    }

    @Override
    public double distanceKm(int index) {
        return distance[index];
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
