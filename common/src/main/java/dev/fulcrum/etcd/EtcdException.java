package dev.fulcrum.etcd;

/**
 * A call to etcd that did not succeed. {@link #outcome()} tells the caller what it may assume about a write: that
 * nothing was applied (etcd unreachable, or etcd refused the request), or that it may have been applied (the
 * request reached a member but its answer never came back).
 */
public final class EtcdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What happened to the request. */
    public enum Outcome {
        /** No member could be reached: nothing was applied. */
        UNREACHABLE,
        /** A member received the request and the connection or the member failed before it answered. */
        MAYBE_APPLIED,
        /** etcd answered with an error (permission, request too large, bad request…): nothing was applied. */
        REFUSED
    }

    private final Outcome outcome;
    private final int grpcCode;

    EtcdException(Outcome outcome, int grpcCode, String message, Throwable cause) {
        super(message, cause);
        this.outcome = outcome;
        this.grpcCode = grpcCode;
    }

    static EtcdException unreachable(String message, Throwable cause) {
        return new EtcdException(Outcome.UNREACHABLE, -1, message, cause);
    }

    static EtcdException maybeApplied(String message, Throwable cause) {
        return new EtcdException(Outcome.MAYBE_APPLIED, -1, message, cause);
    }

    static EtcdException refused(int grpcCode, String message) {
        return new EtcdException(Outcome.REFUSED, grpcCode, message, null);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** True unless etcd itself answered with an error: the cluster could not be reached (or stopped answering). */
    public boolean isUnavailable() {
        return outcome != Outcome.REFUSED;
    }

    /** The gRPC status code etcd answered with (e.g. 7 permission denied), or -1 when there was no answer. */
    public int grpcCode() {
        return grpcCode;
    }
}
