package dev.fulcrum.upstream;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.UpstreamFailure;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the upstream client threw into Cloudflare's 52x answers, or 530/1016 for an origin name that does not
 * resolve (spec §8.3), and tells a stale pooled connection apart from a real origin failure. The forwarding loop
 * decides by it what follows a failed attempt.
 *
 * <p>Thread safety: stateless.
 */
public final class UpstreamErrors {

    /** Content type of every failure body. */
    public static final String CONTENT_TYPE = "text/plain;charset=utf-8";

    private UpstreamErrors() {
    }

    /** The class of a failure; anything unrecognised is 520 (an empty or invalid answer). */
    public static UpstreamFailure classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            final UpstreamFailure known = classifyOne(t);
            if (known != null) {
                return known;
            }
        }
        return UpstreamFailure.UNKNOWN_ERROR;
    }

    /**
     * Whether the failure looks like an origin closing a pooled connection just as it was reused: end of stream,
     * a closed channel, or a reset/broken pipe. Only meaningful when no response byte had arrived; such a request
     * never reached the origin's application, so a safe request may be sent again on a fresh connection.
     */
    public static boolean staleConnection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EOFException || t instanceof ClosedChannelException) {
                return true;
            }
            final String message = t.getMessage();
            if (message != null) {
                final String lower = message.toLowerCase(Locale.ROOT);
                if (lower.contains("connection reset") || lower.contains("broken pipe")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The small Cloudflare-style body answered with a failure's status, e.g. {@code error code: 521}. */
    public static String body(UpstreamFailure failure) {
        return "error code: " + failure.errorCode();
    }

    /** The outcome reported for an attempt that failed this way. */
    public static Outcome outcomeOf(UpstreamFailure failure) {
        return failure.failoverEligible() ? Outcome.CONNECT_FAILED : Outcome.EXCHANGE_FAILED;
    }

    private static UpstreamFailure classifyOne(Throwable t) {
        if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException) {
            return certificateProblem(t) ? UpstreamFailure.INVALID_CERTIFICATE : UpstreamFailure.TLS_HANDSHAKE_FAILED;
        }
        if (t instanceof SSLException) {
            return certificateProblem(t) ? UpstreamFailure.INVALID_CERTIFICATE : UpstreamFailure.TLS_HANDSHAKE_FAILED;
        }
        if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
            return UpstreamFailure.ORIGIN_DNS_ERROR;
        }
        if (t instanceof NoRouteToHostException || t instanceof PortUnreachableException) {
            return UpstreamFailure.UNREACHABLE;
        }
        if (t instanceof SocketTimeoutException) {
            // Jetty's client raises SocketTimeoutException("Connect Timeout") when the connect limit passes.
            return UpstreamFailure.CONNECT_TIMEOUT;
        }
        if (t instanceof ConnectException) {
            final String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("timed out")) {
                return UpstreamFailure.CONNECT_TIMEOUT;
            }
            if (message.contains("unreachable") || message.contains("no route")) {
                return UpstreamFailure.UNREACHABLE;
            }
            return UpstreamFailure.CONNECTION_REFUSED;
        }
        if (t instanceof TimeoutException) {
            return UpstreamFailure.READ_TIMEOUT;
        }
        return null;
    }

    private static boolean certificateProblem(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // The JDK reports PKIX failures as its ValidatorException (a CertificateException) or a path exception.
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                || t instanceof CertPathBuilderException || t instanceof SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }
}
