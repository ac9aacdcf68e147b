/**
 * Origin steering policies inside a pool (spec §4.4): {@link dev.fulcrum.routing.origin.OriginSteering} and one
 * small final class per policy; the stable hashing they share with load shedding and affinity is
 * {@link dev.fulcrum.request.Hashing}. Non-null everywhere.
 */
package dev.fulcrum.routing.origin;
