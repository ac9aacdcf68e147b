/**
 * Session affinity (spec §5): {@link dev.fulcrum.affinity.Affinity} finds the session of one request
 * ({@code cookie}, {@code ip_cookie} or {@code header}), {@link dev.fulcrum.affinity.AffinityCookieCodec} signs
 * and reads the {@code __cflb} cookie with the node's {@link dev.fulcrum.affinity.AffinityKey}, and
 * {@link dev.fulcrum.affinity.SessionStore} keeps {@code header} sessions. The router's affinity stage
 * ({@code routing.SnapshotRouter}) decides what a pin means: served, draining, unhealthy, shed or broken.
 * Non-null unless a member says otherwise.
 */
package dev.fulcrum.affinity;
