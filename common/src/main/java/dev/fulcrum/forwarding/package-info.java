/**
 * The forwarding loop (spec §8): one client request's attempts toward its origins, the same for every host.
 * {@link dev.fulcrum.forwarding.Forwarding} owns the stale-connection retry, the zero-downtime failover, the replay
 * of a buffered body, the 52x answers and the one outcome per attempt. It talks to the host through
 * {@link dev.fulcrum.forwarding.ClientSide}, which a host implements over its container's request and response, and
 * to origins through {@link dev.fulcrum.forwarding.OriginSide}, which {@code OriginSide.over} implements over the
 * runtime's upstream client.
 *
 * <p>Nullness: parameters and results are non-null unless documented.
 */
package dev.fulcrum.forwarding;
