package dev.fulcrum.routing;

/**
 * Cloudflare's 52x codes for origin failures (spec §8.3), and whether each allows zero-downtime failover.
 */
public enum UpstreamFailure {
    /** Empty, invalid or reset response. */
    UNKNOWN_ERROR(520, false),
    /** Connection refused. */
    CONNECTION_REFUSED(521, true),
    /** TCP connect timeout. */
    CONNECT_TIMEOUT(522, true),
    /** Origin unreachable / DNS failure. */
    UNREACHABLE(523, true),
    /** Read (time to first byte) timeout. */
    READ_TIMEOUT(524, false),
    /** TLS handshake failed. */
    TLS_HANDSHAKE_FAILED(525, true),
    /** Invalid origin certificate. */
    INVALID_CERTIFICATE(526, true);

    private final int status;
    private final boolean failoverEligible;

    UpstreamFailure(int status, boolean failoverEligible) {
        this.status = status;
        this.failoverEligible = failoverEligible;
    }

    public int status() {
        return status;
    }

    public boolean failoverEligible() {
        return failoverEligible;
    }
}
