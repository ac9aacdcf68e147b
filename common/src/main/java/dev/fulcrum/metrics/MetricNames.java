package dev.fulcrum.metrics;

import dev.fulcrum.health.HealthMetrics;

/**
 * Every meter name and tag key Fulcrum publishes, in one place (STYLE point 14). Names are Micrometer's dotted form;
 * the Prometheus endpoint renders {@code fulcrum.origin.requests} as {@code fulcrum_origin_requests_total}, a timer
 * as {@code _seconds_bucket/_count/_sum/_max}.
 *
 * <p>Tag cardinality is bounded by configuration: {@code lb}, {@code pool} and {@code origin} are the configured
 * names (with {@code pool_id} because pool names need not be unique), {@code destination} is a configured origin's
 * {@code scheme://address:port}, and every other tag has a fixed set of values listed here. Neither the request path
 * nor the client address is ever a tag. Meters of objects removed from the configuration are removed with them.
 */
final class MetricNames {

    // ---- tag keys ---------------------------------------------------------------------------------------------

    /** The load balancer's name (its hostname). */
    public static final String TAG_LB = "lb";
    /** The pool's name. */
    public static final String TAG_POOL = "pool";
    /** The pool's id: pool names are not unique, ids are. */
    public static final String TAG_POOL_ID = "pool_id";
    /** The origin's name within its pool. */
    public static final String TAG_ORIGIN = "origin";
    /** {@code responded}, {@code connect_failed}, {@code exchange_failed}, {@code cancelled}. */
    public static final String TAG_OUTCOME = "outcome";
    /** {@code 1xx} … {@code 5xx}, or {@code none} when no status was seen or made up. */
    public static final String TAG_STATUS = "status";
    /** {@code scheme://address:port} of a configured origin. */
    public static final String TAG_DESTINATION = "destination";
    /** Connection state: {@code open} (all), {@code idle} (pooled, unused), {@code active} (carrying a request). */
    public static final String TAG_STATE = "state";
    /** Affinity result: {@code hit}, {@code miss}, {@code repin}. */
    public static final String TAG_RESULT = "result";
    /** Why a request was sent again: {@code stale_connection}. */
    public static final String TAG_REASON = "reason";

    // ---- per attempt, fed by the router's outcome listener ------------------------------------------------------

    /** Counter {lb, pool, pool_id, origin, outcome, status}: forwarded attempts, one per outcome reported. */
    public static final String ORIGIN_REQUESTS = "fulcrum.origin.requests";
    /**
     * Timer {lb, pool, pool_id, origin}: time of attempts the origin answered, from the send to the end of the
     * response (histogram buckets for {@code histogram_quantile}, plus the maximum).
     */
    public static final String ORIGIN_LATENCY = "fulcrum.origin.latency";
    /** Counter {lb, pool, pool_id, origin}: zero-downtime failover attempts (spec §8.3), tagged with the target. */
    public static final String ORIGIN_FAILOVERS = "fulcrum.origin.failovers";
    /** Counter {lb, pool, pool_id, origin, reason}: sends repeated on a fresh connection (stale pooled one). */
    public static final String ORIGIN_RETRIES = "fulcrum.origin.retries";
    /** Counter {lb, status}: answers the load balancer gave itself (530/1016, 508 loop, rules' fixed responses). */
    public static final String LB_FIXED_RESPONSES = "fulcrum.lb.fixed.responses";
    /** Counter {lb, result}: session affinity hits, misses (new session) and re-pins (broken or shed pin). */
    public static final String LB_AFFINITY = "fulcrum.lb.affinity";

    // ---- state, read at scrape time ----------------------------------------------------------------------------

    /** Gauge {pool, pool_id, origin}: requests in flight to an origin of a pool (all load balancers together). */
    public static final String ORIGIN_IN_FLIGHT = "fulcrum.origin.in.flight";
    /** Gauge {pool, pool_id}: requests in flight to a pool. */
    public static final String POOL_IN_FLIGHT = "fulcrum.pool.in.flight";
    /**
     * Gauge {destination, state}: upstream connections in the client's pool for a configured origin. Connections
     * belong to a destination, not to a pool: an origin listed in two pools shares them.
     */
    public static final String UPSTREAM_CONNECTIONS = "fulcrum.upstream.connections";

    // ---- health engine (bound by health.HealthMetrics, next to the monitors) ----------------------------------

    /** Counter {type, result, reason}: finished health checks. */
    public static final String HEALTH_CHECKS = HealthMetrics.CHECKS;
    /** Counter {to}: origin health transitions. */
    public static final String HEALTH_TRANSITIONS = HealthMetrics.TRANSITIONS;
    /** Gauge {pool, pool_id, state}: enabled origins of monitored pools by health state. */
    public static final String POOL_ORIGINS = HealthMetrics.POOL_ORIGINS;
    /** Gauge: health probe attempts running now. */
    public static final String HEALTH_PROBES_IN_FLIGHT = HealthMetrics.PROBES_IN_FLIGHT;
    /** Timer {type}: round-trip time of passing health checks. */
    public static final String HEALTH_CHECK_RTT = HealthMetrics.CHECK_RTT;

    private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    /** The {@value #TAG_STATUS} tag value for an HTTP status ({@code 0} = {@code none}). */
    public static String statusClass(int status) {
        return status >= 100 && status < 600 ? STATUS_CLASSES[status / 100] : STATUS_CLASSES[0];
    }

    private MetricNames() {
    }
}
