package dev.fulcrum.health;

import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Regional and global majorities, health_sources and check_regions, and the fall-backs. */
class ClusterVerdictsTest {

    private static final Origin ORIGIN = Fixtures.origin("a", "10.0.0.1", 80);
    private static final String KEY = HealthSnapshot.originKey("10.0.0.1", 80);
    private static final Pool DEFAULT = Fixtures.pool(Fixtures.id('p'), "p", Fixtures.id('m'), 1, ORIGIN);

    private static Pool with(List<String> checkRegions, List<String> healthSources) {
        final Pool p = DEFAULT;
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), p.disabledAt(), p.name(),
                p.description(), p.enabled(), p.minimumOrigins(), p.monitor(), p.monitorGroup(), p.origins(),
                p.originSteering(), p.loadShedding(), p.latitude(), p.longitude(), checkRegions,
                p.notificationEmail(), p.notificationFilter(), p.networks(), healthSources);
    }

    private static NodeResults node(String name, String region, Boolean healthy) {
        if (healthy == null) {
            return new NodeResults(name, region, HealthSnapshot.EMPTY);
        }
        final OriginHealth verdict = new OriginHealth(healthy, healthy ? 10.0 : Double.NaN,
                healthy ? "No failures" : "TCP connection failed", healthy ? 200 : 0);
        return new NodeResults(name, region, new HealthSnapshot(Map.of(DEFAULT.id(), Map.of(KEY, verdict))));
    }

    private static Boolean verdict(Pool pool, NodeResults self, NodeResults... others) {
        final OriginHealth v = ClusterVerdicts.forPool(pool, self, List.of(others)).get(KEY);
        return v == null ? null : !v.failed();
    }

    @Test
    void byDefaultEachNodeSteersOnItsOwnProbesAndFallsBackToTheCluster() {
        assertThat(verdict(DEFAULT, node("me", "WEU", false), node("b", "WEU", true), node("c", "ENAM", true)))
                .isFalse();
        // No verdict of its own yet: the global one.
        assertThat(verdict(DEFAULT, node("me", "WEU", null), node("b", "WEU", true), node("c", "ENAM", true)))
                .isTrue();
        assertThat(verdict(DEFAULT, node("me", "WEU", null))).isNull();
    }

    @Test
    void withCheckRegionsTheGlobalMajorityOfRegionsDecides() {
        final Pool pool = with(List.of("WEU", "ENAM", "WNAM"), null);
        // WEU: 2 of 3 healthy (healthy); ENAM: 0 of 1 (unhealthy); WNAM: 1 of 1 (healthy): 2 of 3 regions.
        assertThat(verdict(pool, node("me", "WEU", false), node("b", "WEU", true), node("c", "WEU", true),
                node("d", "ENAM", false), node("e", "WNAM", true))).isTrue();
        // A tie of regions is not a majority.
        assertThat(verdict(pool, node("me", "WEU", true), node("d", "ENAM", false))).isFalse();
        // Nodes outside the check regions do not vote.
        assertThat(verdict(pool, node("me", "WEU", false), node("x", "SAS", true), node("y", "SAS", true)))
                .isFalse();
    }

    @Test
    void regionalHealthPrefersTheNodesOwnRegion() {
        final Pool pool = with(List.of("WEU", "ENAM"), Pool.REGIONAL_THEN_GLOBAL);
        // Europe cannot reach the pool; North America can: each region steers on its own verdict.
        final NodeResults eu1 = node("eu1", "WEU", false);
        final NodeResults eu2 = node("eu2", "WEU", false);
        final NodeResults us1 = node("us1", "ENAM", true);
        final NodeResults us2 = node("us2", "ENAM", true);
        assertThat(verdict(pool, eu1, eu2, us1, us2)).isFalse();
        assertThat(verdict(pool, us1, eu1, eu2, us2)).isTrue();
        // A region without verdicts, and a node outside the check regions, use the global verdict.
        assertThat(verdict(pool, node("eu-new", "WEU", null), us1, us2)).isTrue();
        assertThat(verdict(pool, node("asia", "SAS", false), us1, us2, eu1)).isFalse();
        assertThat(verdict(pool, node("asia", "SAS", true), us1, us2, eu1, eu2)).isFalse();
    }

    @Test
    void aNodeAloneFallsBackToItsOwnVerdictWhateverItsRegion() {
        final Pool pool = with(List.of("ENAM"), Pool.REGIONAL_THEN_GLOBAL);
        assertThat(verdict(pool, node("eu", "WEU", true))).isTrue();
        assertThat(verdict(pool, node("eu", "WEU", false))).isFalse();
    }

    @Test
    void theVerdictCarriesAnAgreeingWitness() {
        final Pool pool = with(List.of("WEU"), null);
        final OriginHealth v = ClusterVerdicts.forPool(pool, node("me", "WEU", true),
                List.of(node("b", "WEU", false), node("c", "WEU", false))).get(KEY);
        assertThat(v.failed()).isTrue();
        assertThat(v.failureReason()).isEqualTo("TCP connection failed");
        assertThat(v.rttMillis()).isEqualTo(10.0);
    }
}
