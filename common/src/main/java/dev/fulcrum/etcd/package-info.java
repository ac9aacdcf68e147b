/**
 * A small client of etcd v3 through etcd's JSON gateway ({@code /v3/kv/range}, {@code /v3/kv/txn},
 * {@code /v3/watch}, {@code /v3/lease/*}, {@code /v3/auth/authenticate}) over Jetty's {@code HttpClient}, which
 * Fulcrum ships anyway: no gRPC, Netty or Guava in the host server (ARCHITECTURE.md, "Cluster store").
 *
 * <p>{@link dev.fulcrum.etcd.EtcdClient} fails over between the members of a cluster, authenticates with a user
 * and password (renewing the token before it can expire, and again when etcd refuses it), and speaks TLS with a CA
 * and a client certificate. It knows nothing of Fulcrum's configuration: keys are strings, values bytes.
 *
 * <p>Nulls: parameters are never null unless documented; a nullable return or component says so. Collections are
 * never null and never mutable.
 */
package dev.fulcrum.etcd;
