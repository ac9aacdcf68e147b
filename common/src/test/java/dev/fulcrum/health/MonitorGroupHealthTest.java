package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.fulcrum.health.Fixtures.ACCOUNT;
import static dev.fulcrum.health.Fixtures.T0;
import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.health.Fixtures.withHeaderAndPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Monitor groups end to end: real origins on loopback, 1 s intervals, real timers. The pool's one origin is
 * {@code site}; each member monitor probes its own loopback server through the monitor's {@code port}, so each
 * member's result can be turned on and off alone.
 */
class MonitorGroupHealthTest {

    private static final String POOL = Fixtures.id('1');
    private static final String GROUP = Fixtures.id('2');
    private static final String API = Fixtures.id('a');
    private static final String LOGIN = Fixtures.id('b');
    private static final String EXTRA = Fixtures.id('c');
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Longer than the publish period (200 ms) plus the coalescing of a transition (50 ms). */
    private static final Duration PUBLISHED = Duration.ofMillis(600);

    private LoopbackHealth loopback;
    private HealthMonitor health;
    private TestOrigin site;
    private TestOrigin login;
    private TestOrigin extra;

    @BeforeEach
    void start() throws Exception {
        loopback = new LoopbackHealth();
        health = loopback.health;
        site = loopback.server();
        login = loopback.server();
        extra = loopback.server();
    }

    @AfterEach
    void stop() throws Exception {
        loopback.close();
    }

    /** A 1 s http monitor of {@code server} (port 0: the origin's own port). */
    private static Monitor probing(String id, TestOrigin server) {
        return withHeaderAndPort(monitor(id, "http"), Map.of(), server == null ? 0 : server.port());
    }

    private static MonitorGroup.Member member(String monitorId, boolean monitoringOnly, boolean mustBeHealthy) {
        return new MonitorGroup.Member(monitorId, true, monitoringOnly, mustBeHealthy, T0, T0);
    }

    private ConfigSnapshot config(long revision, List<Monitor> monitors, MonitorGroup.Member... members) {
        final Pool pool = new Pool(POOL, ACCOUNT, T0, T0, null, "web", "", true, 1, null, GROUP,
                List.of(origin("site", "127.0.0.1", site.port())), "random", null, null, null, null, "", null, null);
        final MonitorGroup group = new MonitorGroup(GROUP, ACCOUNT, T0, T0, "checks", List.of(members));
        return new ConfigSnapshot(revision, Map.of(), Map.of(),
                monitors.stream().collect(Collectors.toMap(Monitor::id, Function.identity())),
                Map.of(POOL, pool), Map.of(), Map.of(GROUP, group));
    }

    private OriginHealth verdict() {
        return health.snapshot().origin(POOL, HealthSnapshot.originKey("127.0.0.1", site.port()));
    }

    private boolean healthy() {
        final OriginHealth verdict = verdict();
        return verdict != null && verdict.healthy();
    }

    private boolean unhealthy() {
        final OriginHealth verdict = verdict();
        return verdict != null && !verdict.healthy();
    }

    /** The member's own last result on the site, from the pool health detail. */
    private OriginState member(String monitorId) {
        final List<MemberStatus> members = health.memberResults(POOL)
                .getOrDefault(HealthSnapshot.originKey("127.0.0.1", site.port()), List.of());
        return members.stream().filter(m -> m.monitorId().equals(monitorId)).map(m -> m.result().state())
                .findFirst().orElse(null);
    }

    @Test
    void aFailingMustBeHealthyMemberFlipsTheOriginAMonitoringOnlyOneDoesNot() {
        health.update(config(1, List.of(probing(API, null), probing(LOGIN, login), probing(EXTRA, extra)),
                member(API, false, false), member(LOGIN, false, true), member(EXTRA, true, false)));
        await().atMost(WAIT).until(() -> healthy() && member(EXTRA) == OriginState.HEALTHY);
        assertThat(verdict().failureReason()).isEqualTo("No failures");
        assertThat(verdict().rttMillis()).isPositive();

        extra.status = 503;
        await().atMost(WAIT).until(() -> member(EXTRA) == OriginState.UNHEALTHY);
        // The member's transition is published within the publish period: the verdict holds through it.
        await().during(PUBLISHED).atMost(WAIT).until(this::healthy);
        assertThat(verdict().failureReason()).isEqualTo("No failures");

        login.status = 500;
        await().atMost(WAIT).until(this::unhealthy);
        assertThat(verdict().failureReason()).isEqualTo("Response code mismatch error");
        assertThat(verdict().responseCode()).isEqualTo(500);
        assertThat(member(API)).as("the others still pass").isEqualTo(OriginState.HEALTHY);
        assertThat(health.poolHealth(POOL).orElseThrow().healthy()).isFalse();

        login.status = 200;
        await().atMost(WAIT).until(this::healthy);
        assertThat(health.events()).extracting(HealthEvent::from, HealthEvent::to).containsExactly(
                tuple(OriginState.UNKNOWN, OriginState.HEALTHY),
                tuple(OriginState.HEALTHY, OriginState.UNHEALTHY),
                tuple(OriginState.UNHEALTHY, OriginState.HEALTHY));
        assertThat(health.events().get(1).originName()).isEqualTo("site");
    }

    @Test
    void theOtherMembersDecideByMajority() throws Exception {
        final TestOrigin second = loopback.server();
        health.update(config(1, List.of(probing(API, null), probing(LOGIN, login), probing(EXTRA, second)),
                member(API, false, false), member(LOGIN, false, false), member(EXTRA, false, false)));
        await().atMost(WAIT).until(this::healthy);

        login.status = 500;
        await().atMost(WAIT).until(() -> "Response code mismatch error".equals(verdict().failureReason()));
        assertThat(healthy()).as("one failure of three is no majority").isTrue();

        second.status = 500;
        await().atMost(WAIT).until(this::unhealthy);

        second.status = 200;
        await().atMost(WAIT).until(this::healthy);
    }

    @Test
    void aGroupEditChangesTheVerdictWithoutRestartingTheChecks() {
        final List<Monitor> monitors = List.of(probing(API, null), probing(LOGIN, login));
        health.update(config(1, monitors, member(API, false, false), member(LOGIN, false, true)));
        await().atMost(WAIT).until(this::healthy);
        login.status = 500;
        await().atMost(WAIT).until(this::unhealthy);
        final int probes = login.requests.get();

        // The failing member becomes monitoring only: it keeps its result, and no longer decides.
        health.update(config(2, monitors, member(API, false, false), member(LOGIN, true, false)));
        assertThat(healthy()).as("the verdict is recomputed when the change is applied").isTrue();
        assertThat(member(LOGIN)).as("the member kept its state machine").isEqualTo(OriginState.UNHEALTHY);
        assertThat(login.requests.get() - probes).isLessThanOrEqualTo(1);

        // Removing the group from the pool stops its checks: the pool is unmonitored.
        final ConfigSnapshot unmonitored = config(3, monitors);
        health.update(new ConfigSnapshot(4, Map.of(), Map.of(), unmonitored.monitors(),
                Map.of(POOL, withoutGroup(unmonitored.pools().get(POOL))), Map.of(), Map.of()));
        assertThat(health.snapshot().pools()).doesNotContainKey(POOL);
        assertThat(health.memberResults(POOL)).isEmpty();
    }

    @Test
    void aGroupWithoutDecidingMembersJudgesEveryOriginHealthy() {
        health.update(config(1, List.of(probing(EXTRA, extra)), member(EXTRA, true, false)));
        extra.status = 500;
        assertThat(healthy()).as("nothing can fail the origin").isTrue();
        await().atMost(WAIT).until(() -> member(EXTRA) == OriginState.UNHEALTHY);
        await().during(PUBLISHED).atMost(WAIT).until(this::healthy);
    }

    private static Pool withoutGroup(Pool p) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), p.disabledAt(), p.name(),
                p.description(), p.enabled(), p.minimumOrigins(), null, null, p.origins(), p.originSteering(),
                p.loadShedding(), p.latitude(), p.longitude(), p.checkRegions(), p.notificationEmail(),
                p.notificationFilter(), p.networks());
    }
}
