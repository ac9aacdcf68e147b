/**
 * Origin steering policies inside a pool (spec §4.4): {@link dev.fulcrum.routing.origin.OriginSteering} and one
 * small final class per policy, plus the stable hashing they share with load shedding. Non-null everywhere.
 */
package dev.fulcrum.routing.origin;
