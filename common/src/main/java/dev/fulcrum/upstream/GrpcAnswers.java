package dev.fulcrum.upstream;

import org.eclipse.jetty.http.HttpFields;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * gRPC calls (gRPC over HTTP/2, the protocol's own specification): which requests are calls, and the answers Fulcrum
 * gives a call it cannot complete. A gRPC client reads the outcome of a call from {@code grpc-status} and
 * {@code grpc-message}, not from the HTTP status, so a call that failed before its origin answered gets HTTP 200 with
 * {@code grpc-status: 14} (UNAVAILABLE: the call may be retried) in a trailers-only answer, and one whose answer was
 * cut short ends with the same status in its trailers. The outcome the metrics count is still the 52x.
 *
 * <p>Thread safety: stateless.
 */
public final class GrpcAnswers {

    /** gRPC's status code UNAVAILABLE. */
    public static final int UNAVAILABLE = 14;
    private static final String CONTENT_TYPE = "application/grpc";
    private static final String STATUS = "grpc-status";
    private static final String MESSAGE = "grpc-message";
    private static final String STATUS_DETAILS = "grpc-status-details-bin";

    private GrpcAnswers() {
    }

    /**
     * Whether a request is a gRPC call: {@code Content-Type: application/grpc} (or {@code application/grpc+proto}
     * and the like) over HTTP/2, the only protocol gRPC runs over. gRPC-Web (over HTTP/1.1) is not one.
     */
    public static boolean isCall(String protocol, String contentType) {
        return contentType != null && protocol != null && protocol.startsWith("HTTP/2")
               && contentType.regionMatches(true, 0, CONTENT_TYPE, 0, CONTENT_TYPE.length())
               && (contentType.length() == CONTENT_TYPE.length()
                   || "+;".indexOf(contentType.charAt(CONTENT_TYPE.length())) >= 0);
    }

    /**
     * Whether a header is one of a call's status fields ({@code grpc-status}, {@code grpc-message},
     * {@code grpc-status-details-bin}), which end a call: in its trailers, or in the head of a trailers-only answer.
     */
    public static boolean isStatusField(String name) {
        return STATUS.equalsIgnoreCase(name) || MESSAGE.equalsIgnoreCase(name)
               || STATUS_DETAILS.equalsIgnoreCase(name);
    }

    /**
     * The trailers-only answer of a call Fulcrum failed before the origin answered, in place of {@code failure} (a
     * 52x, or the 502 of a call never sent): the decision's headers (CF-Ray) go with it as with the 52x.
     */
    public static DirectAnswer unavailable(DirectAnswer failure) {
        final String reason = new String(failure.body(), StandardCharsets.UTF_8);
        return new DirectAnswer(200, CONTENT_TYPE, new byte[0], failure.decision(),
                status("the origin could not be reached (" + reason + ")"));
    }

    /** The trailers ending a call whose origin failed after its answer began. */
    public static HttpFields cutShort(int status) {
        return status("the origin's answer was cut short (error code: " + status + ")");
    }

    private static HttpFields status(String message) {
        return HttpFields.build(2).put(STATUS, Integer.toString(UNAVAILABLE)).put(MESSAGE, encoded(message))
                .asImmutable();
    }

    /** grpc-message is percent-encoded: anything outside printable ASCII, and {@code %} itself. */
    private static String encoded(String message) {
        final StringBuilder out = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0x20 && b < 0x7f && b != '%') {
                out.append((char) b);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
