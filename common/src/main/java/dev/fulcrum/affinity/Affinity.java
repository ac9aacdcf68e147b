package dev.fulcrum.affinity;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.request.RequestView;

import java.util.Objects;

/**
 * A load balancer's session affinity (spec §5): reads the session a request belongs to from that request alone.
 * What a valid pin means for routing (usable, draining, unhealthy, shed) is the router's affinity stage; this only
 * finds and makes pins.
 *
 * <p>Implementations are immutable per configuration and thread-safe; {@code header} affinity keeps its sessions in
 * the node's {@link SessionStore}, which outlives configuration changes.
 */
public interface Affinity {

    /** Default {@code session_affinity_ttl} for {@code cookie} and {@code ip_cookie}: 23 hours (spec §5.2). */
    int COOKIE_TTL_DEFAULT = 82_800;
    int COOKIE_TTL_MIN = 1_800;
    int COOKIE_TTL_MAX = 604_800;
    /** Default {@code session_affinity_ttl} for {@code header}: 30 minutes idle (spec §5.2). */
    int HEADER_TTL_DEFAULT = 1_800;
    int HEADER_TTL_MIN = 30;
    int HEADER_TTL_MAX = 3_600;

    /**
     * This request's session, or null when the request can have none ({@code header} affinity without the
     * required headers): such a request is steered normally and nothing is pinned.
     *
     * @param nowMillis wall-clock time (epoch milliseconds) from the router's clock
     */
    Session session(RequestView request, long nowMillis);

    /**
     * The affinity of a load balancer, or null when it has none ({@code none}, {@code ""} or unset).
     *
     * <p>{@code proxied} is not consulted [G]: spec §5 reserves affinity for proxied load balancers because a
     * DNS-only one never sees the HTTP request, but Fulcrum has no DNS-only mode and proxies every load balancer
     * it serves (the API's default {@code proxied: false} included), so affinity applies to all of them.
     *
     * @param codec    signs and reads {@code __cflb} cookies (one per node, from its {@link AffinityKey})
     * @param sessions the node's server-side sessions for {@code header} affinity
     * @throws IllegalArgumentException for values validation should have refused, naming the field: an unknown type,
     *                                  a TTL out of range, unknown cookie attributes, {@code sticky} or no headers
     *                                  with {@code header}
     */
    static Affinity of(LoadBalancer lb, AffinityCookieCodec codec, SessionStore sessions) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(sessions, "sessions");
        final String type = lb.sessionAffinity();
        if (type == null || type.isEmpty() || type.equals("none")) {
            return null;
        }
        final SessionAffinityAttributes attributes = lb.sessionAffinityAttributes() == null
                ? SessionAffinityAttributes.DEFAULT : lb.sessionAffinityAttributes();
        FailoverMode.of(attributes.zeroDowntimeFailover()); // refuses unknown modes
        switch (type) {
            case "cookie":
                return new CookieAffinity(lb.id(), codec, ttl(lb, COOKIE_TTL_DEFAULT, COOKIE_TTL_MIN, COOKIE_TTL_MAX),
                        attributes);
            case "ip_cookie":
                return new IpCookieAffinity(lb.id(), codec,
                        ttl(lb, COOKIE_TTL_DEFAULT, COOKIE_TTL_MIN, COOKIE_TTL_MAX), attributes);
            case "header":
                return new HeaderAffinity(lb.id(), sessions,
                        ttl(lb, HEADER_TTL_DEFAULT, HEADER_TTL_MIN, HEADER_TTL_MAX), attributes);
            default:
                throw new IllegalArgumentException("session_affinity: " + type
                        + " (expected: none, cookie, ip_cookie, header)");
        }
    }

    private static int ttl(LoadBalancer lb, int fallback, int min, int max) {
        final Integer ttl = lb.sessionAffinityTtl();
        if (ttl == null) {
            return fallback;
        }
        if (ttl < min || ttl > max) {
            throw new IllegalArgumentException("session_affinity_ttl: " + ttl + " (expected: " + min + "-" + max
                    + " for " + lb.sessionAffinity() + ")");
        }
        return ttl;
    }
}
