/**
 * Health monitors (spec §2.3, §3): {@link dev.fulcrum.health.HealthMonitor} probes the origins of the committed
 * configuration and publishes immutable {@link dev.fulcrum.health.HealthSnapshot}s for the router;
 * {@link dev.fulcrum.health.PoolHealth} and {@link dev.fulcrum.health.PreviewService} give the API its pool health
 * and preview results as plain records (no JSON here).
 *
 * <p>Nulls: parameters are never null; a nullable return or component says so in its documentation. Collections
 * are never null and never mutable. Probe implementations are package-private.
 */
package dev.fulcrum.health;
