package dev.fulcrum.routing;

import java.util.List;
import java.util.Map;

/**
 * What the router decided for one request: forward it to an origin, or answer it directly. {@link Router#route}
 * returns null when the host is not a load balancer's: such a request is never proxied anywhere.
 */
public sealed interface RouteDecision permits RouteDecision.Forward, RouteDecision.Respond {

    /**
     * Headers to add to the client response (e.g. CF-Ray, Set-Cookie for affinity). A forward whose outcome was a
     * failure of the origin ({@code CONNECT_FAILED}, {@code EXCHANGE_FAILED}) no longer lists its Set-Cookie: a
     * failure answer pins no session.
     */
    List<Map.Entry<String, String>> responseHeaders();

    /**
     * Forward to one origin. The wrapper sends the request to {@link #scheme()}://{@link #address()}:{@link #port()}
     * with the client's path and query, sets the Host header to {@link #hostHeader()}, removes hop-by-hop headers
     * and {@link #removeRequestHeaders()}, sets every entry of {@link #requestHeaders()} (replacing any client
     * value), then reports exactly one {@link Outcome} through {@link #complete}.
     */
    non-sealed interface Forward extends RouteDecision {

        String loadBalancerId();

        String poolId();

        String originName();

        String scheme();

        /** IP literal or hostname of the origin. */
        String address();

        int port();

        String hostHeader();

        /** Headers to set toward the origin (X-Forwarded-For, X-Forwarded-Proto, CF-Connecting-IP, CF-Ray, …). */
        List<Map.Entry<String, String>> requestHeaders();

        /** Client headers that must not reach the origin beyond hop-by-hop ones (e.g. X-Real-IP). */
        List<String> removeRequestHeaders();

        /**
         * Whether client headers whose name contains {@code _} reach the origin; by default they do not
         * ({@link RoutingSettings#underscoresInHeaders()}).
         */
        default boolean forwardsUnderscoreHeaders() {
            return false;
        }

        /**
         * True when this attempt is the zero-downtime failover of an earlier one ({@link #failover}), for metrics and
         * the access log.
         */
        default boolean isFailover() {
            return false;
        }

        /** Reports the outcome of this attempt; call exactly once. */
        void complete(Outcome outcome, int status, long upstreamNanos);

        /**
         * The one zero-downtime failover attempt after {@code failure} on this attempt, or null when none is
         * allowed (not failover-eligible, already a retry, no other usable origin, or a request served on its
         * affinity pin under {@code zero_downtime_failover: none}). Its {@link #responseHeaders()} carry the
         * Set-Cookie the affinity mode requires (a re-pin) or none (pin kept). Call after {@link #complete}.
         */
        Forward failover(UpstreamFailure failure);

        /**
         * nginx's {@code proxy_next_upstream error}: the one retry, on another usable origin chosen as
         * {@link #failover} chooses it, of an idempotent request whose origin failed before the first response byte
         * in a way that is no failover's ({@code failure} 520: the connection closed or reset while the origin held
         * the request). Null when none is allowed (already a retry, no other usable origin, a pinned request under
         * {@code zero_downtime_failover: none}). Whether the request may be sent twice is the caller's to decide.
         * Call after {@link #complete}.
         */
        default Forward retryElsewhere(UpstreamFailure failure) {
            return null;
        }
    }

    /** Answer directly (530/1016, a rule's fixed response, a refused loop). */
    record Respond(int status, String contentType, String body, List<Map.Entry<String, String>> responseHeaders)
            implements RouteDecision {
    }
}
