/**
 * Several Fulcrum nodes acting as one load balancer through etcd (ARCHITECTURE.md, "Cluster store"):
 * {@link dev.fulcrum.cluster.ClusterNode} joins a node to the cluster (the shared configuration store, the shared
 * secrets, the lease that keeps its health results alive), {@link dev.fulcrum.cluster.ClusterHealth} combines every
 * live node's probe results into the verdicts this node steers on and the API's {@code pop_health}, and
 * {@link dev.fulcrum.cluster.Migration} copies a single node's file store into an empty etcd prefix.
 *
 * <p>Keys under the cluster's prefix: {@code config/…} (the store, see {@code store.EtcdConfigStore}),
 * {@code secrets/api-token} and {@code secrets/affinity-key}, {@code nodes/<node>} and
 * {@code health/<node>/<pool id>} (bound to the node's lease, so a dead node's entries expire).
 *
 * <p>Nulls: parameters are never null unless documented; a nullable return or component says so.
 */
package dev.fulcrum.cluster;
