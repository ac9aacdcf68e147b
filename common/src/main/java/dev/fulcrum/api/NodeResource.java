package dev.fulcrum.api;

/**
 * Fulcrum's own routes: {@code GET fulcrum/status} (version, node, uptime, store) and {@code GET fulcrum/traffic}
 * (the dashboard's sparklines), both behind the API's credentials like every route, in Cloudflare's envelope.
 */
final class NodeResource {

    private final NodeReport report;

    NodeResource(NodeReport report) {
        this.report = report;
    }

    void register(Routes routes) {
        routes.add("GET", "fulcrum/status", call -> Envelope.success(report.status()));
        routes.add("GET", "fulcrum/traffic", call -> Envelope.success(report.traffic()));
    }
}
