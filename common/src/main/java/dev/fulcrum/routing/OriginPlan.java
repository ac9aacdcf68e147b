package dev.fulcrum.routing;

import dev.fulcrum.config.Origin;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.request.Hashing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One origin of one pool as the router uses it: the connect target worked out once per snapshot, and references to
 * its live counters (so a request touches no map).
 *
 * <p>Scheme [G]: Cloudflare's origin has no scheme field. Port 443 means {@code https}; every other port, and port
 * 0 (the protocol default), means {@code http}, so port 0 connects to 80.
 */
final class OriginPlan {

    final String name;
    final String address;
    /** The configured port (0 allowed); part of the health and counter keys. */
    final int configuredPort;
    /** {@code address:configuredPort}, the key of {@link HealthSnapshot} and of the in-flight counters. */
    final String key;
    final String scheme;
    /** The port actually connected to: 80 for configured 0. */
    final int port;
    final double weight;
    /** The {@code header.Host} override, or null to send the client's Host. */
    final String hostOverride;
    /** Stable identity hash (address:port) for rendezvous hashing; independent of list position and name. Also the
     *  origin's hash in affinity pins. */
    final long identityHash;
    final boolean enabled;
    /** The origin's {@code disabled_at} in epoch ms, or {@link Long#MIN_VALUE} when enabled or unknown. */
    final long disabledAtMillis;
    final AtomicInteger inFlight;
    /** Open connections to the destination, as the wrapper reports them. */
    final AtomicInteger connections;

    OriginPlan(Origin origin, AtomicInteger inFlight, OriginConnections connectionCounts) {
        this.name = origin.name();
        this.address = origin.address();
        this.configuredPort = origin.port();
        this.key = HealthSnapshot.originKey(address, configuredPort);
        this.port = configuredPort == 0 ? 80 : configuredPort;
        this.scheme = port == 443 ? "https" : "http";
        this.weight = origin.weight();
        this.hostOverride = origin.hostOverride();
        this.identityHash = Hashing.of(key);
        this.enabled = origin.enabled();
        this.disabledAtMillis = origin.enabled() || origin.disabledAt() == null ? Long.MIN_VALUE
                : origin.disabledAt().toEpochMilli();
        this.inFlight = inFlight;
        this.connections = connectionCounts.counter(address, port);
    }
}
