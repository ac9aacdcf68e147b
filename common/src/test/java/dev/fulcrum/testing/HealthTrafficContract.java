package dev.fulcrum.testing;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthMonitor;
import dev.fulcrum.health.HealthSettings;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.OriginHealth;
import dev.fulcrum.health.PoolState;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.fulcrum.testing.Fixtures.T0;
import static dev.fulcrum.testing.Fixtures.id;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health monitors driving traffic through a real wrapper (spec §2.3, §3, §4.5, §8.3): a real {@link HealthMonitor}
 * probes real loopback origins ({@link LoopbackOrigin#HEALTH_PATH}, switched between healthy and failing, or the
 * origin stopped and restarted), publishes to the real {@link SnapshotRouter} as the runtime wires it, and a real
 * client sends GETs through the container. Subclasses supply the container.
 *
 * <p>Timing: monitors run every 1 s (±10 % jitter) with a 1 s timeout and no retries, the first probes within
 * 100 ms of the start, so a verdict follows a switch within about 1.2 s; every wait is an Awaitility condition
 * bounded by {@link #VERDICT} (10 s), never a sleep.
 *
 * <p>Determinism: the test listens to the monitor after the router does. Listeners run in order on the publishing
 * thread, so once the test has seen a verdict the router already routes by it, and the traffic assertions that
 * follow are exact (no request at all reaches an origin taken out), not statistical. Where traffic must reach
 * several origins, a burst of {@value #BURST} requests over two or three equally weighted origins misses one with
 * a probability below 2<sup>-40</sup>.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class HealthTrafficContract extends HostContract {

    protected static final String LB_HOST = "health.example.test";
    private static final Duration VERDICT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int BURST = 60;
    private static final int IN_FLIGHT = 4;

    /** Connect-class failures the wrapper reported per origin name: each one is a zero-downtime failover. */
    private final Map<String, AtomicInteger> connectFailures = new ConcurrentHashMap<>();
    /** The last health snapshot published; the router was given it before this field was set. */
    private volatile HealthSnapshot routed = HealthSnapshot.EMPTY;
    protected HealthMonitor monitor;
    protected SnapshotRouter router;

    /** Before the base class stops the container and the origins: no probe runs against a stopped origin. */
    @AfterEach
    void stopMonitor() {
        if (monitor != null) {
            monitor.close();
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    /** Starts router, monitor and container as the runtime wires them: the monitor publishes to the router. */
    private void start(ConfigSnapshot config) throws Exception {
        router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(), (attempt, outcome, status,
                nanos) -> {
            if (outcome == Outcome.CONNECT_FAILED) {
                connectFailures.computeIfAbsent(attempt.originName(), k -> new AtomicInteger()).incrementAndGet();
            }
        });
        router.update(config);
        monitor = new HealthMonitor(HealthSettings.defaults().withPopName("Test PoP")
                .withPublishPeriod(Duration.ofMillis(200)).withInitialSpread(Duration.ofMillis(100)));
        monitor.addListener(router::update);
        monitor.addListener(health -> routed = health);
        monitor.update(config);
        monitor.start();
        startHost(router);
    }

    /** Applies a new configuration as the runtime's store listeners do: the router first, then the monitor. */
    private void reconfigure(ConfigSnapshot config) {
        router.update(config);
        monitor.update(config);
    }

    /** An http monitor of {@link LoopbackOrigin#HEALTH_PATH}: interval 1 s, no retries, expecting 200. */
    private static Monitor monitor(String name, int timeoutSeconds, String expectedBody, int consecutiveUp,
                                   int consecutiveDown) {
        return new Monitor(id("monitor-" + name), id("account"), T0, T0, "http", "GET", LoopbackOrigin.HEALTH_PATH,
                Map.of(), 0, timeoutSeconds, 0, 1, "200", expectedBody, false, false, consecutiveUp,
                consecutiveDown, "", "");
    }

    private static Monitor monitor(String name) {
        return monitor(name, 1, "", 1, 1);
    }

    /** The pool checked by {@code monitor}, usable with at least {@code minimumOrigins} healthy origins. */
    private static Pool checkedBy(Pool p, Monitor monitor, int minimumOrigins) {
        return new Pool(p.id(), p.accountId(), T0, T0, p.disabledAt(), p.name(), "", p.enabled(), minimumOrigins,
                monitor.id(), null, p.origins(), p.originSteering(), p.loadShedding(), p.latitude(), p.longitude(),
                null, "", null, null);
    }

    private static Pool checked(String name, Monitor monitor, LoopbackOrigin... members) {
        return checkedBy(pool(name, "random", Stream.of(members).map(o -> origin(o, 1))
                .toArray(Origin[]::new)), monitor, 1);
    }

    private static ConfigSnapshot config(LoadBalancer lb, List<Monitor> monitors, Pool... pools) {
        return config(1, lb, monitors, pools);
    }

    private static ConfigSnapshot config(long revision, LoadBalancer lb, List<Monitor> monitors, Pool... pools) {
        final ConfigSnapshot plain = Fixtures.config(lb, pools);
        return new ConfigSnapshot(revision, plain.accounts(), plain.zones(),
                monitors.stream().collect(Collectors.toMap(Monitor::id, Function.identity())), plain.pools(),
                plain.loadBalancers());
    }

    private static String key(LoopbackOrigin origin) {
        return HealthSnapshot.originKey("127.0.0.1", origin.port());
    }

    private OriginHealth routedHealth(Pool p, LoopbackOrigin origin) {
        return routed.origin(p.id(), key(origin));
    }

    /** Waits until the router routes by a verdict of {@code healthy} for the origin, and returns that verdict. */
    private OriginHealth awaitVerdict(Pool p, LoopbackOrigin origin, boolean healthy) {
        await().atMost(VERDICT).pollInterval(POLL).until(() -> {
            final OriginHealth verdict = routedHealth(p, origin);
            return verdict != null && verdict.healthy() == healthy;
        });
        return routedHealth(p, origin);
    }

    private void awaitHealthy(Pool p, LoopbackOrigin... members) {
        for (LoopbackOrigin origin : members) {
            awaitVerdict(p, origin, true);
        }
    }

    private ContentResponse get() throws Exception {
        return client.newRequest("127.0.0.1", host.port()).path("/")
                .headers(h -> h.put(HttpHeader.HOST, LB_HOST))
                .timeout(10, TimeUnit.SECONDS).send();
    }

    /** A burst of {@value #BURST} GETs, every one of which must be answered 200 by an origin. */
    private Load.Result burst() throws InterruptedException {
        final Load.Result result = Load.run(client, host.port(), LB_HOST, "/", BURST, IN_FLIGHT);
        assertThat(result.failures()).as("failed requests, by status %s", result.byStatus()).isZero();
        return result;
    }

    private int connectFailures(LoopbackOrigin origin) {
        final AtomicInteger count = connectFailures.get(origin.name());
        return count == null ? 0 : count.get();
    }

    // ---- no result yet -----------------------------------------------------------------------------------------

    @Test
    void anOriginWithoutAFirstResultGetsNoTrafficUntilItPasses() throws Exception {
        final LoopbackOrigin a = startOrigin("a").holdHealthChecks();
        final LoopbackOrigin b = startOrigin("b").holdHealthChecks();
        // A timeout longer than the test keeps a held check pending: "no result yet", not a failed check.
        final Monitor m = monitor("slow-first", 30, "", 1, 1);
        final Pool p = checked("p", m, a, b);
        start(config(lb(LB_HOST, "off", null, p), List.of(m), p));

        await().atMost(VERDICT).pollInterval(POLL).until(() -> a.healthChecks() > 0 && b.healthChecks() > 0);
        for (int i = 0; i < 5; i++) {
            final ContentResponse response = get();
            assertThat(response.getStatus()).as("no origin has a result: none is usable").isEqualTo(530);
            assertThat(response.getContentAsString()).contains("Error 1016");
        }
        assertThat(a.requestCount() + b.requestCount()).isZero();

        b.releaseHealthChecks();
        awaitVerdict(p, b, true);
        final Load.Result onlyB = burst();
        assertThat(onlyB.byOrigin()).containsOnlyKeys("b");
        assertThat(routedHealth(p, a)).as("a's first check is still pending").isNull();
        assertThat(a.requestCount()).isZero();

        a.releaseHealthChecks();
        awaitVerdict(p, a, true);
        final Load.Result both = burst();
        assertThat(both.byOrigin()).containsOnlyKeys("a", "b");
    }

    // ---- unhealthy and back ------------------------------------------------------------------------------------

    @Test
    void anOriginFailingItsHealthCheckLosesAllTrafficAndRegainsItWhenItRecovers() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin c = startOrigin("c");
        final Monitor m = monitor("status");
        final Pool p = checked("p", m, a, b, c);
        start(config(lb(LB_HOST, "off", null, p), List.of(m), p));
        awaitHealthy(p, a, b, c);
        assertThat(burst().byOrigin()).containsOnlyKeys("a", "b", "c");

        a.healthStatus(503);
        final OriginHealth down = awaitVerdict(p, a, false);
        assertThat(down.failureReason()).isEqualTo("Response code mismatch error");
        assertThat(down.responseCode()).isEqualTo(503);
        final int reachedA = a.requestCount();
        assertThat(burst().byOrigin()).as("the others take all traffic").containsOnlyKeys("b", "c");
        assertThat(a.requestCount()).as("no request reaches a").isEqualTo(reachedA);

        a.healthStatus(200);
        awaitVerdict(p, a, true);
        assertThat(burst().byOrigin()).containsOnlyKeys("a", "b", "c");
        assertThat(a.requestCount()).isGreaterThan(reachedA);
    }

    @Test
    void aStoppedOriginIsTakenOutWithoutClientErrorsAndReturnsWhenRestarted() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        // Two failures in a row: the monitor takes about a second to notice, so traffic meets the refused origin
        // first and zero-downtime failover has to hide it.
        final Monitor m = monitor("refused", 1, "", 1, 2);
        final Pool p = checked("p", m, a, b);
        start(config(lb(LB_HOST, "off", null, p), List.of(m), p));
        awaitHealthy(p, a, b);
        assertThat(burst().byOrigin()).containsOnlyKeys("a", "b");

        a.stop();
        final Map<Integer, Integer> statuses = new TreeMap<>();
        final Map<String, Integer> servedBy = new TreeMap<>();
        final long deadline = System.nanoTime() + VERDICT.toNanos();
        int sent = 0;
        // One GET after another until the router routes by the verdict: bounded by count and time.
        while (!(routedHealth(p, a) != null && !routedHealth(p, a).healthy()) && sent < 20_000
                && System.nanoTime() < deadline) {
            final ContentResponse response = get();
            statuses.merge(response.getStatus(), 1, Integer::sum);
            servedBy.merge(String.valueOf(response.getHeaders().get("X-Origin")), 1, Integer::sum);
            sent++;
        }
        final OriginHealth down = awaitVerdict(p, a, false);
        assertThat(down.failureReason()).isEqualTo("TCP connection failed");
        assertThat(statuses).as("every GET during the shift succeeded").containsOnlyKeys(200);
        assertThat(servedBy).containsOnlyKeys("b");
        assertThat(connectFailures(a)).as("requests met the refused origin and failed over").isPositive();

        final int failedOver = connectFailures(a);
        assertThat(burst().byOrigin()).containsOnlyKeys("b");
        assertThat(connectFailures(a)).as("after the verdict nothing is sent to a").isEqualTo(failedOver);

        a.restart();
        awaitVerdict(p, a, true);
        assertThat(burst().byOrigin()).containsOnlyKeys("a", "b");
    }

    // ---- minimum_origins, failover order, fallback -------------------------------------------------------------

    @Test
    void aPoolBelowMinimumOriginsFailsOverAndTheFallbackServesWhenEveryPoolIsCritical() throws Exception {
        final LoopbackOrigin a1 = startOrigin("a1");
        final LoopbackOrigin a2 = startOrigin("a2");
        final LoopbackOrigin b = startOrigin("b");
        final LoopbackOrigin f = startOrigin("f");
        final Monitor m = monitor("pools");
        final Pool primary = checkedBy(pool("primary", "random", origin(a1, 1), origin(a2, 1)), m, 2);
        final Pool secondary = checked("secondary", m, b);
        final Pool fallback = checked("fallback", m, f);
        start(config(lb(LB_HOST, "off", fallback, primary, secondary), List.of(m), primary, secondary, fallback));
        awaitHealthy(primary, a1, a2);
        awaitHealthy(secondary, b);
        awaitHealthy(fallback, f);
        assertThat(burst().byOrigin()).as("off: the first pool in order").containsOnlyKeys("a1", "a2");

        a1.healthStatus(503);
        awaitVerdict(primary, a1, false);
        assertThat(monitor.poolHealth(primary.id()).orElseThrow().state()).isEqualTo(PoolState.CRITICAL);
        final int reachedA2 = a2.requestCount();
        assertThat(burst().byOrigin()).as("one healthy origin of two required: the next pool")
                .containsOnlyKeys("b");
        assertThat(a2.requestCount()).as("a critical pool gets nothing, healthy origins included")
                .isEqualTo(reachedA2);

        f.healthStatus(503);
        b.healthStatus(503);
        awaitVerdict(fallback, f, false);
        awaitVerdict(secondary, b, false);
        assertThat(monitor.poolHealth(secondary.id()).orElseThrow().state()).isEqualTo(PoolState.CRITICAL);
        assertThat(burst().byOrigin()).as("every pool critical: the fallback serves, its own health ignored")
                .containsOnlyKeys("f");

        a1.healthStatus(200);
        awaitVerdict(primary, a1, true);
        assertThat(burst().byOrigin()).as("the first pool is back").containsOnlyKeys("a1", "a2");
    }

    // ---- configuration changes -------------------------------------------------------------------------------

    @Test
    void editingTheMonitorKeepsThePoolServingAndTheNewChecksDecideFromThere() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        // Two passes to turn healthy: an origin that lost its verdict would be out for at least one interval.
        final Monitor before = monitor("edited", 1, "", 2, 1);
        final Pool p = checked("p", before, a, b);
        start(config(lb(LB_HOST, "off", null, p), List.of(before), p));
        awaitHealthy(p, a, b);

        final Monitor after = monitor("edited", 1, "HEALTHY", 2, 1);
        reconfigure(config(2, lb(LB_HOST, "off", null, p), List.of(after), p));

        assertThat(routedHealth(p, a)).as("a's verdict survives the edit").isNotNull()
                .extracting(OriginHealth::healthy).isEqualTo(true);
        assertThat(burst().byOrigin()).as("no gap in service after the edit").containsOnlyKeys("a", "b");

        // The edited monitor is the one probing now: a body the old one accepted takes a out.
        a.healthBody("status: draining");
        assertThat(awaitVerdict(p, a, false).failureReason()).isEqualTo("Response body mismatch error");
        assertThat(burst().byOrigin()).containsOnlyKeys("b");
    }

    // ---- other ways to fail a check ----------------------------------------------------------------------------

    @Test
    void aHealthBodyWithoutTheExpectedTextTakesTheOriginOut() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Monitor m = monitor("body", 1, "HEALTHY", 1, 1);
        final Pool p = checked("p", m, a, b);
        start(config(lb(LB_HOST, "off", null, p), List.of(m), p));
        awaitHealthy(p, a, b);
        assertThat(burst().byOrigin()).containsOnlyKeys("a", "b");

        a.healthBody("status: draining");
        final OriginHealth down = awaitVerdict(p, a, false);
        assertThat(down.failureReason()).isEqualTo("Response body mismatch error");
        assertThat(down.responseCode()).isEqualTo(200);
        final int reachedA = a.requestCount();
        assertThat(burst().byOrigin()).containsOnlyKeys("b");
        assertThat(a.requestCount()).isEqualTo(reachedA);

        a.healthBody(LoopbackOrigin.HEALTHY_BODY);
        awaitVerdict(p, a, true);
        assertThat(burst().byOrigin()).containsOnlyKeys("a", "b");
    }

    @Test
    void anOriginAnsweringItsHealthCheckTooSlowlyIsTakenOut() throws Exception {
        final LoopbackOrigin a = startOrigin("a");
        final LoopbackOrigin b = startOrigin("b");
        final Monitor m = monitor("timeout");
        final Pool p = checked("p", m, a, b);
        start(config(lb(LB_HOST, "off", null, p), List.of(m), p));
        awaitHealthy(p, a, b);
        assertThat(burst().byOrigin()).containsOnlyKeys("a", "b");

        a.healthDelay(Duration.ofSeconds(3));
        final OriginHealth down = awaitVerdict(p, a, false);
        assertThat(down.failureReason()).isEqualTo("HTTP timeout occurred");
        final int reachedA = a.requestCount();
        assertThat(burst().byOrigin()).containsOnlyKeys("b");
        assertThat(a.requestCount()).isEqualTo(reachedA);

        a.healthDelay(Duration.ZERO);
        awaitVerdict(p, a, true);
        assertThat(burst().byOrigin()).containsOnlyKeys("a", "b");
    }
}
