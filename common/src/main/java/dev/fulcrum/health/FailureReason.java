package dev.fulcrum.health;

/**
 * Why a probe failed, with Cloudflare's exact {@code failure_reason} text (spec §3.1).
 * {@link #NONE} is the text reported for a passing probe.
 */
enum FailureReason {
    NONE("No failures"),
    TCP_CONNECTION_FAILED("TCP connection failed"),
    HTTP_TIMEOUT("HTTP timeout occurred"),
    RESPONSE_CODE_MISMATCH("Response code mismatch error"),
    RESPONSE_BODY_MISMATCH("Response body mismatch error"),
    TLS_UNTRUSTED_CERTIFICATE("TLS untrusted certificate error"),
    TLS_NAME_MISMATCH("TLS name mismatch error"),
    TLS_PROTOCOL_ERROR("TLS protocol error"),
    TLS_UNRECOGNIZED_NAME("TLS unrecognized name error"),
    NO_ROUTE_TO_HOST("No route to host error"),
    TCP_TIMEOUT("TCP Timeout"),
    TLS_HANDSHAKE_FAILURE("TLS Handshake Failure"),
    NETWORK_UNREACHABLE("Network Unreachable"),
    HTTP_INVALID_RESPONSE("HTTP Invalid Response"),
    DNS_UNKNOWN_HOST("DNS Unknown Host"),
    CONNECTION_RESET("Connection Reset by Peer"),
    MONITOR_CONFIG_ERROR("Monitor Config Error"),
    DNS_INTERNAL("DNS Internal"),
    OTHER("Other Failure");

    private final String text;

    FailureReason(String text) {
        this.text = text;
    }

    /** Cloudflare's wording, as shown in {@code failure_reason}. */
    public String text() {
        return text;
    }

    /** Timeouts are the failures a monitor retries immediately (spec §3 {@code retries}). */
    public boolean isTimeout() {
        return this == HTTP_TIMEOUT || this == TCP_TIMEOUT;
    }
}
