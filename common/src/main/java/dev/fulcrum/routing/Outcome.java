package dev.fulcrum.routing;

/**
 * What happened to one forwarded attempt, reported exactly once per {@link RouteDecision.Forward} by the wrapper.
 * It releases the in-flight counters and feeds metrics.
 */
public enum Outcome {
    /** The origin answered (any status, including 5xx from the origin itself). */
    RESPONDED,
    /** A connection-class failure (refused, connect timeout, unreachable, TLS): eligible for failover. */
    CONNECT_FAILED,
    /** The origin accepted the connection but the exchange failed (empty/invalid response, read timeout, reset). */
    EXCHANGE_FAILED,
    /** The client went away or the attempt was abandoned before an answer. */
    CANCELLED
}
