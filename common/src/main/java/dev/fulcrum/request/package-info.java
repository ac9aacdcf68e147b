/**
 * What the routing core and session affinity know of a client request, below both: the container-neutral
 * {@link dev.fulcrum.request.RequestView} that each host adapts its request to, and the stable
 * {@link dev.fulcrum.request.Hashing} of client addresses and origin identities that steering, load shedding and
 * affinity cookies share. Affinity reads requests and hashes them, and routing consults affinity, so these types live
 * here rather than in routing. Depends on nothing else of Fulcrum.
 *
 * <p>Nullness: parameters and results are non-null unless documented.
 */
package dev.fulcrum.request;
