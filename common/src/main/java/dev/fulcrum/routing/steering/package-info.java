/**
 * Pool steering policies (spec §4.2): {@link dev.fulcrum.routing.steering.PoolSteering} and one small final class
 * per policy. Policies pick among usable candidates; they never read health or configuration objects.
 * Non-null everywhere; unknown numeric values are NaN.
 */
package dev.fulcrum.routing.steering;
