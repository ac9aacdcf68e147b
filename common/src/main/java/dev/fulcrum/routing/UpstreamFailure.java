package dev.fulcrum.routing;

/**
 * Cloudflare's answers for origin failures (spec §8.3): the status, the error code its body names, and whether the
 * failure allows zero-downtime failover.
 */
public enum UpstreamFailure {
    /** Empty, invalid or reset response. */
    UNKNOWN_ERROR(520, false),
    /** Connection refused. */
    CONNECTION_REFUSED(521, true),
    /** TCP connect timeout. */
    CONNECT_TIMEOUT(522, true),
    /** Origin unreachable (no route, network down). */
    UNREACHABLE(523, true),
    /** Read (time to first byte) timeout. */
    READ_TIMEOUT(524, false),
    /** TLS handshake failed. */
    TLS_HANDSHAKE_FAILED(525, true),
    /** Invalid origin certificate (untrusted, expired, or not for the name the request carries). */
    INVALID_CERTIFICATE(526, true),
    /**
     * The origin's host name did not resolve: the request is steered away from the origin like a 523 ("If
     * resolution fails, that request is steered away from the origin"); with nowhere else to go it is Cloudflare's
     * 530 with error 1016, Origin DNS error.
     */
    ORIGIN_DNS_ERROR(530, 1016, true);

    private final int status;
    private final int errorCode;
    private final boolean failoverEligible;

    UpstreamFailure(int status, boolean failoverEligible) {
        this(status, status, failoverEligible);
    }

    UpstreamFailure(int status, int errorCode, boolean failoverEligible) {
        this.status = status;
        this.errorCode = errorCode;
        this.failoverEligible = failoverEligible;
    }

    public int status() {
        return status;
    }

    /** The code the answer's body names ({@code error code: 1016}); the status for every 52x. */
    public int errorCode() {
        return errorCode;
    }

    public boolean failoverEligible() {
        return failoverEligible;
    }
}
