package dev.fulcrum.health;

/**
 * One node's probe results, as it publishes them to the cluster: for Cloudflare's model, one data center.
 *
 * @param node    the node's name ({@code --node-name}), its key in {@code pop_health}
 * @param region  the node's region code (e.g. {@code WEU}), or null when it has none
 * @param results the node's own monitor verdicts
 */
public record NodeResults(String node, String region, HealthSnapshot results) {
}
