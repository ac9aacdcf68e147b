package dev.fulcrum.routing;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthChange;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.OriginHealth;
import dev.fulcrum.routing.RouteDecision.Forward;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.fulcrum.routing.Fixtures.monitored;
import static dev.fulcrum.routing.Fixtures.origin;
import static dev.fulcrum.routing.Fixtures.pool;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The router follows a change in proportion to the change: counted plans, whatever the configuration's size. */
class IncrementalRebuildTest {

    private static final int POOLS = 400;

    private final List<Pool> pools = new ArrayList<>();
    private final List<LoadBalancer> lbs = new ArrayList<>();
    private final SnapshotRouter router = new SnapshotRouter(RoutingSettings.DEFAULT);
    private ConfigSnapshot config;

    IncrementalRebuildTest() {
        for (int i = 0; i < POOLS; i++) {
            pools.add(monitored(pool("pool-" + i, origin("o" + i, "10.1." + (i / 250) + "." + (i % 250 + 1), 80,
                    1)), 1));
        }
        // Two pools per load balancer: lb i uses pools 2i and 2i+1.
        for (int i = 0; i < POOLS / 2; i++) {
            lbs.add(lb("lb" + i + ".example.com", "off", null, pools.get(2 * i), pools.get(2 * i + 1)));
        }
        config = config(lbs, pools.toArray(new Pool[0]));
        router.update(config);
    }

    private ConfigChange commit(ConfigEdit edit) {
        final ConfigChange change = config.apply(edit, config.revision() + 1);
        config = change.next();
        router.update(change);
        return change;
    }

    private RoutingSnapshot.Built built() {
        return router.snapshot().built();
    }

    @Test
    void theFirstSnapshotBuildsEverythingOnce() {
        final SnapshotRouter fresh = new SnapshotRouter(RoutingSettings.DEFAULT);
        fresh.update(ConfigChange.initial(config));
        assertThat(fresh.snapshot().built()).isEqualTo(new RoutingSnapshot.Built(POOLS, POOLS / 2));
        assertThat(fresh.snapshot().usersConsistent()).isTrue();
    }

    @Test
    void aPoolEditRebuildsThatPoolAndTheLoadBalancersUsingIt() {
        final Pool changed = withOrigin(pools.get(10), origin("new", "10.9.9.9", 80, 1));
        commit(ConfigEdit.putting(changed));
        assertThat(built()).isEqualTo(new RoutingSnapshot.Built(1, 1));
        assertThat(router.snapshot().hosts.find("lb5.example.com").candidates.pool(0).allOrigins()[0].name)
                .isEqualTo("new");
        assertThat(router.snapshot().usersConsistent()).isTrue();
    }

    @Test
    void aNewPoolAndLoadBalancerBuildOnlyThemselves() {
        final Pool extra = monitored(pool("pool-extra", origin("x", "10.8.0.1", 80, 1)), 1);
        commit(ConfigEdit.putting(extra));
        assertThat(built()).isEqualTo(new RoutingSnapshot.Built(1, 0));
        final LoadBalancer lb = lb("extra.example.com", "off", pools.get(0), extra);
        commit(ConfigEdit.putting(lb));
        assertThat(built()).isEqualTo(new RoutingSnapshot.Built(0, 1));
        assertThat(router.serves("extra.example.com")).isTrue();
        commit(ConfigEdit.deleting(ConfigKind.LOAD_BALANCER, lb.id()));
        assertThat(router.serves("extra.example.com")).isFalse();
        assertThat(router.snapshot().usersConsistent()).isTrue();
    }

    @Test
    void aHealthFlipRebuildsOnlyTheFlippedPoolAndItsUsers() {
        final Pool p = pools.get(7);
        final HealthChange up = HealthSnapshot.EMPTY.replace(Map.of(p.id(), Map.of(key(p),
                new OriginHealth(true, 1, "No failures", 200))));
        router.update(up);
        assertThat(built()).isEqualTo(new RoutingSnapshot.Built(1, 1));
        assertThat(((Forward) router.route(TestRequest.to("lb3.example.com"))).poolId()).isEqualTo(p.id());
        final HealthChange down = up.next().replace(Map.of(p.id(), Map.of(key(p),
                new OriginHealth(false, Double.NaN, "TCP connection failed", 0))));
        router.update(down);
        assertThat(built()).isEqualTo(new RoutingSnapshot.Built(1, 1));
    }

    @Test
    void renamingAndDisablingMoveTheHostIndex() {
        final LoadBalancer lb = lbs.get(3);
        final LoadBalancer renamed = new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(),
                "renamed.example.com", "", true, true, 30, null, lb.defaultPools(), Map.of(), Map.of(), Map.of(),
                "off", lb.randomSteering(), lb.adaptiveRouting(), lb.locationStrategy(), "none", null,
                lb.sessionAffinityAttributes(), List.of(), null);
        commit(ConfigEdit.putting(renamed));
        assertThat(router.serves("lb3.example.com")).isFalse();
        assertThat(router.serves("renamed.example.com")).isTrue();
        assertThat(built().loadBalancers()).isOne();
        final LoadBalancer off = new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(),
                "renamed.example.com", "", false, true, 30, null, lb.defaultPools(), Map.of(), Map.of(), Map.of(),
                "off", lb.randomSteering(), lb.adaptiveRouting(), lb.locationStrategy(), "none", null,
                lb.sessionAffinityAttributes(), List.of(), null);
        commit(ConfigEdit.putting(off));
        assertThat(router.serves("renamed.example.com")).isFalse();
        assertThat(router.snapshot().usersConsistent()).isTrue();
    }

    @Test
    void aDeletedPoolBreaksOnlyItsUsersAndADuplicateNameTakesOverBySmallestId() {
        commit(new ConfigEdit().delete(ConfigKind.POOL, pools.get(0).id()));
        assertThat(built()).isEqualTo(new RoutingSnapshot.Built(0, 1));
        assertThat(router.snapshot().pools).doesNotContainKey(pools.get(0).id());

        // Two load balancers with one name (only a store written by hand can hold that): the smaller id serves.
        final LoadBalancer lb = lbs.get(4);
        final String other = "00000000000000000000000000000001";
        final LoadBalancer twin = new LoadBalancer(other, lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(),
                "", true, true, 30, null, List.of(pools.get(20).id()), Map.of(), Map.of(), Map.of(), "off",
                lb.randomSteering(), lb.adaptiveRouting(), lb.locationStrategy(), "none", null,
                lb.sessionAffinityAttributes(), List.of(), null);
        commit(ConfigEdit.putting(twin));
        assertThat(router.snapshot().hosts.find(lb.name()).id).isEqualTo(other);
        commit(ConfigEdit.deleting(ConfigKind.LOAD_BALANCER, other));
        assertThat(router.snapshot().hosts.find(lb.name()).id).isEqualTo(lb.id());
        assertThat(router.snapshot().usersConsistent()).isTrue();
    }

    @Test
    void aChangeTheRouterCannotUseLeavesTheSnapshotServing() {
        final RoutingSnapshot before = router.snapshot();
        final Pool bad = Fixtures.shedding(pools.get(1), 10, "sometimes");
        assertThatThrownBy(() -> commit(ConfigEdit.putting(bad))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool " + bad.id());
        assertThat(router.snapshot()).isSameAs(before);
    }

    @Test
    void aConsumerThatMissedAChangeCatchesUpWhole() {
        final ConfigChange missed = config.apply(ConfigEdit.putting(withOrigin(pools.get(2),
                origin("m", "10.7.0.1", 80, 1))), config.revision() + 1);
        final ConfigChange next = missed.next().apply(ConfigEdit.putting(withOrigin(pools.get(4),
                origin("n", "10.7.0.2", 80, 1))), config.revision() + 2);
        router.update(next);
        assertThat(router.revision()).isEqualTo(next.next().revision());
        assertThat(built().pools()).isEqualTo(2);
    }

    private static String key(Pool p) {
        final Origin o = p.origins().get(0);
        return HealthSnapshot.originKey(o.address(), o.port());
    }

    private static Pool withOrigin(Pool p, Origin origin) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), null, p.name(), "", true,
                p.minimumOrigins(), p.monitor(), null, List.of(origin), p.originSteering(), null, null, null, null,
                "", null, null);
    }
}
