package dev.fulcrum.config;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigChangeTest {

    private static final String ACCOUNT = "01a7362d577a6c3019a474fd6f485823";
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    private static Pool pool(String id, String name) {
        return new Pool(id, ACCOUNT, T0, T0, null, name, "", true, 1, null, null,
                List.of(new Origin("a", "10.0.0.1", 80, true, 1.0, Map.of(), null, null)), "random", null, null,
                null, null, "", null, null);
    }

    private static String id(int i) {
        return String.format("%032x", i);
    }

    private static ConfigSnapshot withPools(int count) {
        final Map<String, Pool> pools = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            pools.put(id(i), pool(id(i), "p" + i));
        }
        return new ConfigSnapshot(7, Map.of(ACCOUNT, new Account(ACCOUNT, "a", T0)), Map.of(), Map.of(), pools,
                Map.of());
    }

    @Test
    void applyNamesOnlyTheIdsThatChangedAndSharesTheRest() {
        final ConfigSnapshot before = withPools(1000);
        final ConfigChange change = before.apply(new ConfigEdit()
                .put(pool(id(5), "renamed"))
                .put(pool(id(2000), "new"))
                .put(before.pools().get(id(6)))
                .delete(ConfigKind.POOL, id(7))
                .delete(ConfigKind.POOL, id(3000))
                .delete(ConfigKind.MONITOR, id(1)), 8);

        assertThat(change.previous()).isSameAs(before);
        assertThat(change.next().revision()).isEqualTo(8);
        assertThat(change.pools()).containsExactly(id(5), id(7), id(2000));
        assertThat(change.monitors()).isEmpty();
        assertThat(change.size()).isEqualTo(3);
        assertThat(change.next().pools()).hasSize(1000).containsKey(id(2000)).doesNotContainKey(id(7));
        assertThat(change.next().pools().get(id(5)).name()).isEqualTo("renamed");
        // Untouched kinds are the same maps, untouched objects the same instances.
        assertThat(change.next().accounts()).isSameAs(before.accounts());
        assertThat(change.next().zones()).isSameAs(before.zones());
        assertThat(change.next().pools().get(id(6))).isSameAs(before.pools().get(id(6)));
        // The snapshot before is unchanged.
        assertThat(before.pools()).hasSize(1000).containsKey(id(7)).doesNotContainKey(id(2000));
    }

    @Test
    void theLastCallPerIdWins() {
        final ConfigSnapshot before = withPools(3);
        final ConfigChange change = before.apply(new ConfigEdit()
                .delete(ConfigKind.POOL, id(1)).put(pool(id(1), "back"))
                .put(pool(id(2), "gone")).delete(ConfigKind.POOL, id(2)), 8);
        assertThat(change.next().pools().get(id(1)).name()).isEqualTo("back");
        assertThat(change.next().pools()).doesNotContainKey(id(2));
        assertThat(change.pools()).containsExactly(id(1), id(2));
    }

    @Test
    void anEditOfEqualObjectsChangesNothing() {
        final ConfigSnapshot before = withPools(3);
        final ConfigChange change = before.apply(ConfigEdit.putting(pool(id(1), "p1")), 8);
        assertThat(change.isEmpty()).isTrue();
        assertThat(change.next().pools()).isSameAs(before.pools());
    }

    @Test
    void betweenFindsTheSameChangeAsApply() {
        final ConfigSnapshot before = withPools(50);
        final ConfigChange applied = before.apply(new ConfigEdit().put(pool(id(3), "x"))
                .delete(ConfigKind.POOL, id(4)).put(new Account(id(99), "b", T0)), 8);
        final ConfigChange compared = ConfigChange.between(before, applied.next());
        for (ConfigKind kind : ConfigKind.values()) {
            assertThat(compared.ids(kind)).as(kind.name()).isEqualTo(applied.ids(kind));
        }
        assertThat(ConfigChange.initial(before).pools()).hasSize(50);
        assertThat(ConfigChange.initial(before).accounts()).containsExactly(ACCOUNT);
    }

    @Test
    void sinceIsTheChangeItselfOnlyFromItsOwnStart() {
        final ConfigSnapshot a = withPools(5);
        final ConfigChange ab = a.apply(ConfigEdit.putting(pool(id(1), "b")), 8);
        final ConfigChange bc = ab.next().apply(ConfigEdit.deleting(ConfigKind.POOL, id(2)), 9);
        assertThat(bc.since(ab.next())).isSameAs(bc);
        // A consumer that missed ab gets both changes in one.
        assertThat(bc.since(a).pools()).containsExactly(id(1), id(2));
        assertThat(bc.since(a).previous()).isSameAs(a);
    }

    @Test
    void snapshotMapsIterateInIdOrderAndRefuseNulls() {
        final ConfigSnapshot s = withPools(20);
        assertThat(List.copyOf(s.pools().keySet())).isSorted();
        final Map<String, Pool> withNull = new LinkedHashMap<>();
        withNull.put(id(1), null);
        assertThatThrownBy(() -> new ConfigSnapshot(1, Map.of(), Map.of(), Map.of(), withNull, Map.of()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ConfigEdit.putting("not a config object"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
