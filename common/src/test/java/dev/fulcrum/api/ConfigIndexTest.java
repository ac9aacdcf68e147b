package dev.fulcrum.api;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.fulcrum.testing.Fixtures.id;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

/** The API's index, kept change by change, always equals the index built from the snapshot it describes. */
class ConfigIndexTest {

    @Test
    void anIndexKeptChangeByChangeEqualsOneBuiltWhole() {
        final Random random = new Random(16);
        final List<Pool> pools = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pools.add(withMonitor(pool("p" + i, "random", origin("o", 8000 + i, 1)), i % 3 == 0 ? null : "m" + i % 4,
                    i % 2 == 0 ? null : "g" + i % 3));
        }
        ConfigSnapshot s = ConfigSnapshot.EMPTY;
        ConfigIndex kept = ConfigIndex.EMPTY;
        for (int step = 0; step < 300; step++) {
            final ConfigEdit edit = new ConfigEdit();
            final int what = random.nextInt(6);
            final Pool p = pools.get(random.nextInt(pools.size()));
            if (what == 0) {
                edit.put(withMonitor(p, random.nextBoolean() ? null : "m" + random.nextInt(4),
                        random.nextBoolean() ? null : "g" + random.nextInt(3)));
            } else if (what == 1) {
                edit.delete(ConfigKind.POOL, p.id());
            } else if (what == 2) {
                final Pool q = pools.get(random.nextInt(pools.size()));
                edit.put(inZone(lb("h" + random.nextInt(10) + ".example.com", "off", q, p), "z" + random.nextInt(2)));
            } else if (what == 4) {
                final List<MonitorGroup.Member> members = new ArrayList<>();
                for (int m = 0; m < 4; m++) {
                    if (random.nextBoolean()) {
                        members.add(new MonitorGroup.Member(id("m" + m), true, false, false, Instant.EPOCH,
                                Instant.EPOCH));
                    }
                }
                edit.put(new MonitorGroup(id("g" + random.nextInt(3)), id("a"), Instant.EPOCH, Instant.EPOCH, "",
                        members));
            } else if (what == 5) {
                edit.delete(ConfigKind.MONITOR_GROUP, id("g" + random.nextInt(3)));
            } else {
                edit.delete(ConfigKind.LOAD_BALANCER, id("lb-h" + random.nextInt(10) + ".example.com"));
                edit.put(new Zone(id("z" + random.nextInt(3)), "zone" + random.nextInt(3) + ".com", id("a"),
                        Instant.EPOCH, Instant.EPOCH));
            }
            final ConfigChange change = s.apply(edit, s.revision() + 1);
            s = change.next();
            kept = kept.apply(change);
            final ConfigIndex whole = ConfigIndex.EMPTY.apply(ConfigChange.initial(s));
            for (Pool pool : pools) {
                assertThat(kept.loadBalancersUsing(pool.id())).isEqualTo(whole.loadBalancersUsing(pool.id()));
            }
            for (int m = 0; m < 4; m++) {
                assertThat(kept.poolsUsing(id("m" + m))).isEqualTo(whole.poolsUsing(id("m" + m)));
                assertThat(kept.groupsUsing(id("m" + m))).isEqualTo(whole.groupsUsing(id("m" + m)));
                assertThat(kept.monitorReferrers(id("m" + m)))
                        .containsExactlyInAnyOrderElementsOf(union(whole.poolsUsing(id("m" + m)),
                                whole.groupsUsing(id("m" + m))));
            }
            for (int g = 0; g < 3; g++) {
                assertThat(kept.poolsUsingGroup(id("g" + g))).isEqualTo(whole.poolsUsingGroup(id("g" + g)));
            }
            for (int z = 0; z < 3; z++) {
                assertThat(kept.loadBalancersIn(id("z" + z))).isEqualTo(whole.loadBalancersIn(id("z" + z)));
                assertThat(kept.zonesNamed("zone" + z + ".com")).isEqualTo(whole.zonesNamed("zone" + z + ".com"));
            }
            for (int h = 0; h < 10; h++) {
                assertThat(kept.loadBalancersNamed("H" + h + ".EXAMPLE.com"))
                        .isEqualTo(whole.loadBalancersNamed("h" + h + ".example.com"));
            }
        }
        // The references the API answers with come from the index, in Cloudflare's order (oldest first).
        for (Pool pool : pools) {
            assertThat(References.loadBalancersUsing(kept, pool.id())).extracting(LoadBalancer::id)
                    .containsExactlyInAnyOrderElementsOf(kept.loadBalancersUsing(pool.id()));
        }
    }

    private static Pool withMonitor(Pool p, String monitor, String group) {
        return new Pool(p.id(), p.accountId(), p.createdOn(), p.modifiedOn(), null, p.name(), "", true, 1,
                monitor == null ? null : id(monitor), group == null ? null : id(group), p.origins(), "random", null,
                null, null, null, "", null, null);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        final Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static LoadBalancer inZone(LoadBalancer lb, String zone) {
        return new LoadBalancer(lb.id(), id(zone), lb.createdOn(), lb.modifiedOn(), lb.name(), "", true, true, 30,
                lb.fallbackPool(), lb.defaultPools(), Map.of(), Map.of(), Map.of(), "off", lb.randomSteering(),
                lb.adaptiveRouting(), lb.locationStrategy(), "none", null, lb.sessionAffinityAttributes(), List.of(),
                null);
    }
}
