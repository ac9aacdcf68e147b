package dev.fulcrum.cluster;

import dev.fulcrum.etcd.EtcdSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a node joins a cluster: the etcd to use, the key prefix the cluster's data lives under, this node's name, and
 * the timings of its lease and writes.
 *
 * @param etcd         the etcd members, authentication and TLS
 * @param prefix       the key prefix of the cluster, e.g. {@value #DEFAULT_PREFIX}; several clusters can share one
 *                     etcd under different prefixes
 * @param nodeName     this node's name in {@code pop_health} and in its keys: unique in the cluster
 * @param leaseTtl     how long this node's health results outlive it (a killed node's entries expire after this)
 * @param firstRead    how long a start waits for etcd before it serves its local copy instead
 * @param writeTimeout how long an API write may wait for etcd, retries included, before it answers 503
 */
public record ClusterSettings(EtcdSettings etcd, String prefix, String nodeName, Duration leaseTtl,
                              Duration firstRead, Duration writeTimeout) {

    public static final String DEFAULT_PREFIX = "/fulcrum/";
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FIRST_READ = Duration.ofSeconds(5);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern PREFIX = Pattern.compile("/([\\x21-\\x7e&&[^/]]+/)*");
    private static final Pattern NODE_NAME = Pattern.compile("[\\x20-\\x7e&&[^/]]{1,128}");

    public ClusterSettings {
        Objects.requireNonNull(etcd, "etcd");
        checkPrefix(prefix);
        checkNodeName(nodeName);
        requirePositive("lease TTL", leaseTtl);
        requirePositive("first read", firstRead);
        requirePositive("write timeout", writeTimeout);
        if (leaseTtl.toSeconds() < 2) {
            throw new IllegalArgumentException("lease TTL: " + leaseTtl + " (expected: at least 2 s; etcd leases "
                    + "count whole seconds)");
        }
    }

    /**
     * Returns {@code prefix} when it can be the cluster's key prefix.
     *
     * @throws IllegalArgumentException saying what a prefix looks like
     */
    public static String checkPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("'" + prefix + "' (expected: a key prefix that starts and ends with /, "
                    + "printable ASCII without spaces, e.g. " + DEFAULT_PREFIX + ")");
        }
        return prefix;
    }

    /**
     * Returns {@code name} when it can name a node.
     *
     * @throws IllegalArgumentException saying what a node name looks like
     */
    public static String checkNodeName(String name) {
        if (name == null || !NODE_NAME.matcher(name).matches() || name.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' (expected: 1-128 printable ASCII characters "
                    + "without /, unique in the cluster)");
        }
        return name;
    }

    /** {@code etcd} under the default prefix, with the default timings. */
    public static ClusterSettings of(EtcdSettings etcd, String nodeName) {
        return new ClusterSettings(etcd, DEFAULT_PREFIX, nodeName, DEFAULT_LEASE_TTL, DEFAULT_FIRST_READ,
                DEFAULT_WRITE_TIMEOUT);
    }

    /** The default node name: the PoP code when the node has one, else the host's name. */
    public static String defaultNodeName(String pop) {
        if (pop != null && !pop.isBlank()) {
            return pop;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            final String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "fulcrum" : env;
        }
    }

    public ClusterSettings withPrefix(String newPrefix) {
        return new ClusterSettings(etcd, newPrefix, nodeName, leaseTtl, firstRead, writeTimeout);
    }

    public ClusterSettings withNodeName(String name) {
        return new ClusterSettings(etcd, prefix, name, leaseTtl, firstRead, writeTimeout);
    }

    public ClusterSettings withTimings(Duration lease, Duration read, Duration write) {
        return new ClusterSettings(etcd, prefix, nodeName, lease, read, write);
    }

    private static void requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
        }
    }
}
