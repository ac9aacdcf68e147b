package dev.fulcrum.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.api.NodeReport;
import dev.fulcrum.cluster.ClusterNode;
import dev.fulcrum.config.json.ConfigJson;
import dev.fulcrum.metrics.TrafficHistory;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.store.ConfigStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The running node's answers to {@code fulcrum/status} and {@code fulcrum/traffic}. {@code node.name} is the name
 * pool health reports this node under ({@code pop_health}), so the dashboard can match the two.
 */
final class RuntimeReport implements NodeReport {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String nodeName;
    private final RoutingSettings location;
    private final Path dataDir;
    private final ConfigStore store;
    /** Null for a single node. */
    private final ClusterNode cluster;
    private final TrafficHistory traffic;
    private final Clock clock;
    private final Instant startedOn;

    RuntimeReport(String nodeName, RoutingSettings location, Path dataDir, ConfigStore store, ClusterNode cluster,
                  TrafficHistory traffic, Clock clock) {
        this.nodeName = nodeName;
        this.location = location;
        this.dataDir = dataDir;
        this.store = store;
        this.cluster = cluster;
        this.traffic = traffic;
        this.clock = clock;
        this.startedOn = clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public ObjectNode status() {
        final ObjectNode result = NODES.objectNode();
        result.put("version", Version.current());
        final ObjectNode node = result.putObject("node");
        node.put("name", nodeName);
        node.put("pop", location.pop());
        node.put("country", location.country());
        node.put("region", location.region());
        result.put("started_on", ConfigJson.timestamp(startedOn));
        result.put("uptime_seconds", Math.max(0, Duration.between(startedOn, clock.instant()).toSeconds()));
        final ObjectNode storeNode = result.putObject("store");
        storeNode.put("type", cluster == null ? "file" : "etcd");
        storeNode.put("data_dir", dataDir.toString());
        storeNode.put("revision", store.current().revision());
        if (cluster != null) {
            final ArrayNode endpoints = storeNode.putArray("etcd_endpoints");
            cluster.settings().etcd().endpoints().forEach(e -> endpoints.add(e.toString()));
            storeNode.put("etcd_prefix", cluster.settings().prefix());
            storeNode.put("connected", cluster.isConnected());
            final ArrayNode nodes = result.putArray("cluster_nodes");
            cluster.health().liveNodes().forEach(nodes::add);
        }
        return result;
    }

    @Override
    public ObjectNode traffic() {
        return traffic.toJson();
    }
}
