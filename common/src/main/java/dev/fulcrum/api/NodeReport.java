package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What this node tells about itself beyond the configuration, served under {@code /client/v4/fulcrum/} with the API's
 * credentials and envelope (routes of ours: Cloudflare has none under {@code fulcrum/}). The runtime implements it.
 */
public interface NodeReport {

    /** The node's status: {@code version}, {@code node}, {@code started_on}, {@code uptime_seconds}, {@code store}. */
    ObjectNode status();

    /** The last minutes of traffic per load balancer, pool and origin (see {@code metrics.TrafficHistory}). */
    ObjectNode traffic();
}
