package dev.fulcrum.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fulcrum.testing.EtcdServer;
import dev.fulcrum.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README "Cluster": three deliverables as three nodes on one real etcd: the standalone jar, the Jetty module in the
 * real jetty-home and the valve in the real Tomcat 11, each its own process. A write on one node serves on all,
 * concurrent writers on all three keep names unique, a node killed with SIGKILL leaves pop_health when its lease
 * expires, and with etcd down the data plane keeps serving, writes answer 503, and a node restarted meanwhile serves
 * from its local copy; when etcd is back the nodes catch up. On a three-member etcd, a node cut off while etcd
 * compacts the history its watch would resume from reads everything once and converges, and losing the member every
 * node uses first leaves writes on each node working and serving on all.
 */
class ClusterIT {

    private static final String TOKEN = "cluster-it-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each node's health results expire two seconds after it stops renewing its lease. */
    private static final String LEASE = "2s";

    private final List<AutoCloseable> open = new ArrayList<>();

    /** One node: its data plane port and its API. */
    private record Node(String name, ServerProcess process, int port, Api api) {

        /** The body a request for {@code host} gets from this node. */
        String get(String host) throws Exception {
            return new LoadBalancingScenario(api, port, "/", "/", null).get(host, "/cluster").body();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @Test
    void threeHostsOnOneEtcdActAsOneLoadBalancer() throws Exception {
        final Path dir = Distribution.workDir("cluster");
        final EtcdServer etcd = keep(EtcdServer.start(dir.resolve("etcd")));
        final Origin a = keep(new Origin("a"));

        final Node standalone = standalone(dir, etcd.endpoints());
        final Node jetty = jetty(etcd.endpoints());
        final Node tomcat = tomcat(etcd.endpoints());
        final List<Node> nodes = List.of(standalone, jetty, tomcat);

        // Write on one node, serve on all: the Jetty and Tomcat nodes were given no token and accept the cluster's.
        standalone.api().createLoadBalancer("www.one.test", List.of(a));
        for (Node node : nodes) {
            await(node.name() + " serves www.one.test").atMost(Duration.ofSeconds(5))
                    .until(() -> node.get("www.one.test").equals("origin a"));
        }

        // Concurrent writers on all three nodes: nothing lost, and one name taken once.
        final String account = account(tomcat);
        final Target race = zoneAndPool(jetty, "race", a);
        final String zone = race.zone();
        final String pool = race.pool();
        final ExecutorService writers = Executors.newFixedThreadPool(nodes.size());
        try {
            final List<Future<List<Integer>>> results = new ArrayList<>();
            for (Node node : nodes) {
                results.add(writers.submit((Callable<List<Integer>>) () -> {
                    final List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        node.api().createLoadBalancer("lb." + node.name() + i + ".test", List.of(a));
                    }
                    statuses.add(node.api().send("POST", "/zones/" + zone + "/load_balancers",
                            "{\"name\":\"www.race.test\",\"default_pools\":[\"" + pool + "\"],\"fallback_pool\":\""
                                    + pool + "\"}").statusCode());
                    return statuses;
                }));
            }
            final List<Integer> raced = new ArrayList<>();
            for (Future<List<Integer>> result : results) {
                raced.addAll(result.get());
            }
            assertThat(raced).containsExactlyInAnyOrder(200, 400, 400);
        } finally {
            writers.shutdownNow();
        }
        for (Node node : nodes) {
            await().atMost(Duration.ofSeconds(5)).until(() -> loadBalancers(node, account) == 11);
            assertThat(node.get("lb.jetty2.test")).isEqualTo("origin a");
        }

        // One health picture: a monitored pool's pop_health names every live node.
        final String monitor = json(standalone.api().send("POST", "/accounts/" + account
                + "/load_balancers/monitors", "{\"type\":\"http\",\"path\":\"/health\",\"expected_codes\":\"2xx\","
                + "\"interval\":2,\"timeout\":1,\"retries\":0}")).get("result").get("id").asText();
        final String monitored = json(standalone.api().send("POST", "/accounts/" + account
                + "/load_balancers/pools", "{\"name\":\"watched\",\"monitor\":\"" + monitor + "\",\"origins\":["
                + "{\"name\":\"a\",\"address\":\"127.0.0.1\",\"port\":" + a.port() + "}]}")).get("result").get("id")
                .asText();
        final String health = "/accounts/" + account + "/load_balancers/pools/" + monitored + "/health";
        await().atMost(Duration.ofSeconds(30)).until(() -> pops(jetty, health)
                .equals(List.of("jetty", "standalone", "tomcat")));

        // kill -9: the standalone's lease expires, and its entry with it.
        standalone.process().kill();
        await().atMost(Duration.ofSeconds(15)).until(() -> pops(tomcat, health).equals(List.of("jetty", "tomcat")));

        // etcd down: the data plane serves, reads answer, writes are refused in Cloudflare's envelope.
        etcd.kill();
        assertThat(jetty.get("www.one.test")).isEqualTo("origin a");
        assertThat(tomcat.get("www.race.test")).isEqualTo("origin a");
        final HttpResponse<String> refused = tomcat.api().send("POST", "/zones", "{\"name\":\"down.test\","
                + "\"account\":{\"id\":\"" + account + "\"}}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(json(refused).get("errors").get(0).get("code").asInt()).isEqualTo(10503);
        assertThat(json(refused).get("errors").get(0).get("message").asText()).contains("unreachable");

        // The killed node restarted while etcd is down: it starts from its local copy and serves.
        final Node again = standalone(dir, etcd.endpoints());
        assertThat(again.get("lb.tomcat1.test")).isEqualTo("origin a");

        // etcd back: writes go through and reach every node.
        etcd.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> jetty.api().send("POST", "/zones",
                "{\"name\":\"back.test\",\"account\":{\"id\":\"" + account + "\"}}").statusCode() == 200);
        for (Node node : List.of(again, tomcat)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> json(node.api().send("GET", "/zones", null))
                    .get("result").toString().contains("back.test"));
        }
    }

    @Test
    void threeHostsOnAThreeMemberEtcdRideOutACompactionAndALostMember() throws Exception {
        final Path dir = Distribution.workDir("cluster3");
        final EtcdServer etcd = keep(EtcdServer.cluster(dir.resolve("etcd"), 3));
        final Origin a = keep(new Origin("a"));
        // The Tomcat node reaches each member through a relay that the test can cut.
        final List<TcpProxy> relays = new ArrayList<>();
        for (URI member : etcd.endpointList()) {
            relays.add(keep(TcpProxy.start(member.getPort())));
        }
        final String relayed = relays.stream().map(r -> "http://127.0.0.1:" + r.port())
                .collect(Collectors.joining(","));

        final Node standalone = standalone(dir, etcd.endpoints());
        final Node jetty = jetty(etcd.endpoints());
        final Node tomcat = tomcat(relayed);
        final List<Node> nodes = List.of(standalone, jetty, tomcat);
        final Api.LoadBalancer early = jetty.api().createLoadBalancer("www.early.test", List.of(a));
        for (Node node : nodes) {
            await(node.name() + " serves www.early.test").atMost(Duration.ofSeconds(5))
                    .until(() -> node.get("www.early.test").equals("origin a"));
        }

        // Compaction during a watch: while the Tomcat node is cut off, changes are made and etcd forgets the history
        // its watch would resume from; it reads everything once and converges.
        for (TcpProxy relay : relays) {
            relay.cut();
        }
        standalone.api().delete(early);
        standalone.api().createLoadBalancer("www.late.test", List.of(a));
        etcd.compact();
        assertThat(tomcat.get("www.early.test")).isEqualTo("origin a");
        for (TcpProxy relay : relays) {
            relay.restore();
        }
        tomcat.process().awaitLog(Pattern.compile("has been compacted"));
        await().atMost(Duration.ofSeconds(15)).until(() -> tomcat.get("www.late.test").equals("origin a"));
        assertThat(tomcat.get("www.early.test")).isNotEqualTo("origin a");
        for (Node node : nodes) {
            await().atMost(Duration.ofSeconds(5)).until(() -> revision(node).equals(revision(standalone)));
        }

        // A member lost (the first endpoint of every node): writes on each node go through the other two members,
        // and serve on all.
        final Target after = zoneAndPool(jetty, "after", a);
        final String zone = after.zone();
        final String pool = after.pool();
        etcd.member(0).kill();
        for (Node writer : nodes) {
            final String host = writer.name() + ".after.test";
            final String body = "{\"name\":\"" + host + "\",\"default_pools\":[\"" + pool + "\"],\"fallback_pool\":\""
                    + pool + "\"}";
            await().atMost(Duration.ofSeconds(20)).until(() -> created(writer.api().send("POST", "/zones/" + zone
                    + "/load_balancers", body)));
            for (Node node : nodes) {
                await(node.name() + " serves " + host).atMost(Duration.ofSeconds(5))
                        .until(() -> node.get(host).equals("origin a"));
            }
        }
    }

    /**
     * Whether a load balancer's creation went through: 200, or 1003 when an earlier attempt whose answer was lost
     * had been applied; false while etcd refuses writes (503, as while a new leader is elected after a member's
     * loss). Any other answer fails the test.
     */
    private static boolean created(HttpResponse<String> response) throws Exception {
        if (response.statusCode() == 503) {
            return false;
        }
        if (response.statusCode() == 400) {
            assertThat(json(response).get("errors").get(0).get("code").asInt()).as(response.body()).isEqualTo(1003);
            return true;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return true;
    }

    /** The configuration revision a node serves, from its status. */
    private static String revision(Node node) throws Exception {
        return json(node.api().send("GET", "/fulcrum/status", null)).path("result").path("store").path("revision")
                .asText();
    }

    private Node standalone(Path dir, String endpoints) throws Exception {
        final ServerProcess process = keep(ServerProcess.start("standalone", dir, Map.of("FULCRUM_API_TOKEN", TOKEN,
                "FULCRUM_ETCD_ENDPOINTS", endpoints), List.of(Distribution.java(), "-jar",
                Distribution.standaloneJar().toString(), "--bind", "127.0.0.1", "--port", "0", "--api-port", "0",
                "--data-dir", dir.resolve("standalone-data").toString(), "--node-name", "standalone",
                "--etcd-lease-ttl", LEASE)));
        final MatchResult ready = process.awaitLog(StandaloneIT.READY);
        return new Node("standalone", process, Integer.parseInt(ready.group(1)),
                new Api("http://127.0.0.1:" + ready.group(2) + "/client/v4", TOKEN));
    }

    private Node jetty(String endpoints) throws Exception {
        final Path base = Distribution.workDir("cluster-jetty-base");
        Distribution.run(base, Map.of(), "tar", "-xzf", Distribution.jettyBundle().toString(), "-C", base.toString());
        // Without ee10-deploy: the fulcrum module brings everything its handler needs (README lists ee10-deploy only
        // for the server's own webapps).
        Jettys.addModules(base, "http,fulcrum");
        Files.writeString(base.resolve("start.d/fulcrum.ini"), "fulcrum.api.host=127.0.0.1\nfulcrum.api.port=0\n"
                + "fulcrum.etcd.endpoints=" + endpoints + "\nfulcrum.node.name=jetty\n"
                + "fulcrum.etcd.leaseTtl=" + LEASE + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        final ServerProcess process = keep(Jettys.run(base, Map.of()));
        final int port = Jettys.awaitStarted(process);
        final int apiPort = process.loggedPort(Jettys.connectorStarted("fulcrum-api"));
        return new Node("jetty", process, port, new Api("http://127.0.0.1:" + apiPort + "/client/v4", TOKEN));
    }

    private Node tomcat(String endpoints) throws Exception {
        final Path home = Distribution.tomcatHomes().get(0);
        final Path catalina = Tomcats.fresh(home, "cluster-tomcat");
        Files.copy(Distribution.valveJar(), catalina.resolve("lib").resolve(Distribution.valveJar().getFileName()));
        Tomcats.editServerXml(catalina, "<Valve className=\"dev.fulcrum.tomcat.FulcrumValve\" apiBind=\"127.0.0.1\""
                + " apiPort=\"0\" etcdEndpoints=\"" + endpoints + "\" nodeName=\"tomcat\" etcdLeaseTtl=\""
                + LEASE + "\"/>");
        final ServerProcess process = keep(Tomcats.run(catalina, Map.of()));
        final int port = Tomcats.awaitStarted(process);
        final int apiPort = process.loggedPort(Tomcats.VALVE_API_STARTED);
        return new Node("tomcat", process, port, new Api("http://127.0.0.1:" + apiPort + "/client/v4", TOKEN));
    }

    /** A zone {@code <name>.test} and a pool {@code name} holding {@code origin}, created on {@code node}. */
    private record Target(String zone, String pool) {
    }

    private static Target zoneAndPool(Node node, String name, Origin origin) throws Exception {
        final String account = account(node);
        final String zone = json(node.api().send("POST", "/zones", "{\"name\":\"" + name + ".test\",\"account\":"
                + "{\"id\":\"" + account + "\"}}")).get("result").get("id").asText();
        final String pool = json(node.api().send("POST", "/accounts/" + account + "/load_balancers/pools",
                "{\"name\":\"" + name + "\",\"origins\":[{\"name\":\"a\",\"address\":\"127.0.0.1\",\"port\":"
                        + origin.port() + "}]}")).get("result").get("id").asText();
        return new Target(zone, pool);
    }

    private static String account(Node node) throws Exception {
        return json(node.api().send("GET", "/accounts", null)).get("result").get(0).get("id").asText();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static int loadBalancers(Node node, String account) throws Exception {
        int count = 0;
        for (JsonNode zone : json(node.api().send("GET", "/zones?per_page=50", null)).get("result")) {
            count += json(node.api().send("GET", "/zones/" + zone.get("id").asText() + "/load_balancers", null))
                    .get("result").size();
        }
        return count;
    }

    /** The names in a pool's pop_health, sorted. */
    private static List<String> pops(Node node, String path) throws Exception {
        final List<String> names = new ArrayList<>();
        json(node.api().send("GET", path, null)).get("result").get("pop_health").fieldNames()
                .forEachRemaining(names::add);
        names.sort(String::compareTo);
        return names;
    }
}
