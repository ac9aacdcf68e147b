/**
 * The routing core (spec §4, §8.1, §8.3): {@link dev.fulcrum.routing.SnapshotRouter} turns a
 * {@link dev.fulcrum.request.RequestView} into a {@link dev.fulcrum.routing.RouteDecision} over one immutable
 * snapshot of configuration and health. Wrappers see only the contract types ({@code Router},
 * {@code request.RequestView}, {@code RouteDecision}, {@code Outcome}, {@code UpstreamFailure}) and
 * {@code OriginConnections}; snapshot plans, counters and the host index are package-private.
 *
 * <p>Nullness: parameters and results are non-null unless documented; {@code Router.route} returns null for a host
 * that is not an enabled load balancer's.
 */
package dev.fulcrum.routing;
