package dev.fulcrum.health;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Maps what the JDK and Jetty throw onto Cloudflare's failure reasons (spec §3.1). The exception types carry most
 * of the meaning; where the JDK only says it in the message (reset, unreachable network, TLS alerts) the message
 * decides.
 */
final class Failures {

    private static final int MAX_DEPTH = 12;

    private Failures() {
    }

    /**
     * The reason for {@code failure}.
     *
     * @param timeoutReason what a timeout means at this point ({@code TCP Timeout} before the connection was
     *                      established, {@code HTTP timeout occurred} after)
     */
    static FailureReason classify(Throwable failure, FailureReason timeoutReason) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            final String message = lower(t.getMessage());
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return FailureReason.DNS_UNKNOWN_HOST;
            }
            if (t instanceof NoRouteToHostException || message.contains("no route to host")) {
                return FailureReason.NO_ROUTE_TO_HOST;
            }
            if (message.contains("network is unreachable") || message.contains("network unreachable")) {
                return FailureReason.NETWORK_UNREACHABLE;
            }
            if (t instanceof PortUnreachableException) {
                // The closed vocabulary has no UDP wording; a refused port is the nearest meaning.
                return FailureReason.TCP_CONNECTION_FAILED;
            }
            if (t instanceof ConnectException) {
                return FailureReason.TCP_CONNECTION_FAILED;
            }
            if (t instanceof SSLException) {
                return tls(t);
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                    || t instanceof InterruptedByTimeoutException) {
                return timeoutReason;
            }
            if (t instanceof IOException && message.contains("connection reset")) {
                return FailureReason.CONNECTION_RESET;
            }
            if (t instanceof EOFException || isJettyProtocolError(t)) {
                // Closed before a complete response, or a response Jetty could not parse.
                return FailureReason.HTTP_INVALID_RESPONSE;
            }
        }
        return FailureReason.OTHER;
    }

    private static boolean isJettyProtocolError(Throwable t) {
        final String name = t.getClass().getName();
        return name.equals("org.eclipse.jetty.http.BadMessageException")
                || name.equals("org.eclipse.jetty.client.HttpResponseException");
    }

    private static FailureReason tls(Throwable ssl) {
        Throwable t = ssl;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            final String message = lower(t.getMessage());
            if (t instanceof CertificateException) {
                // JSSE's hostname check throws CertificateException("No subject alternative ... matching ...").
                return message.contains("subject alternative") || message.contains("no name matching")
                        ? FailureReason.TLS_NAME_MISMATCH : FailureReason.TLS_UNTRUSTED_CERTIFICATE;
            }
            if (t instanceof CertPathValidatorException || t instanceof CertPathBuilderException
                    || message.contains("pkix path")) {
                return FailureReason.TLS_UNTRUSTED_CERTIFICATE;
            }
            if (message.contains("unrecognized_name")) {
                return FailureReason.TLS_UNRECOGNIZED_NAME;
            }
            if (message.contains("protocol_version") || message.contains("unrecognized ssl message")
                    || message.contains("no appropriate protocol")) {
                return FailureReason.TLS_PROTOCOL_ERROR;
            }
        }
        return FailureReason.TLS_HANDSHAKE_FAILURE;
    }

    private static String lower(String message) {
        return message == null ? "" : message.toLowerCase(Locale.ROOT);
    }
}
