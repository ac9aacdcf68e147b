package dev.fulcrum.config;

import org.junit.jupiter.api.Test;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** An {@link IdMultimap.Edit} ends where the same calls one at a time end, from an empty map or not. */
class IdMultimapTest {

    private static TreePMap<String, TreePSet<String>> oneAtATime(TreePMap<String, TreePSet<String>> start,
                                                                 long seed, int calls) {
        final Random random = new Random(seed);
        TreePMap<String, TreePSet<String>> map = start;
        for (int i = 0; i < calls; i++) {
            final String key = "k" + random.nextInt(20);
            final String id = "id" + random.nextInt(50);
            map = random.nextInt(4) == 0 ? IdMultimap.without(map, key, id) : IdMultimap.with(map, key, id);
        }
        return map;
    }

    private static TreePMap<String, TreePSet<String>> edit(TreePMap<String, TreePSet<String>> start, long seed,
                                                           int calls) {
        final Random random = new Random(seed);
        final IdMultimap.Edit edit = new IdMultimap.Edit(start);
        for (int i = 0; i < calls; i++) {
            final String key = "k" + random.nextInt(20);
            final String id = "id" + random.nextInt(50);
            if (random.nextInt(4) == 0) {
                edit.without(key, id);
            } else {
                edit.with(key, id);
            }
        }
        return edit.result();
    }

    @Test
    void fromAnEmptyMapAdditionsAreBuiltAtOnceWithTheSameResult() {
        final IdMultimap.Edit edit = new IdMultimap.Edit(TreePMap.empty());
        TreePMap<String, TreePSet<String>> expected = TreePMap.empty();
        for (int i = 0; i < 500; i++) {
            edit.with("pool-" + i % 37, "lb-" + i);
            expected = IdMultimap.with(expected, "pool-" + i % 37, "lb-" + i);
        }
        final TreePMap<String, TreePSet<String>> built = edit.result();
        assertThat(built).isEqualTo(expected).hasSize(37);
        assertThat(built.firstKey()).isEqualTo("pool-0");
        // Still a persistent map of persistent sets in natural order, usable by the one-at-a-time calls after.
        final TreePMap<String, TreePSet<String>> next = IdMultimap.without(IdMultimap.with(built, "a", "x"),
                "pool-0", "lb-0");
        assertThat(next.firstKey()).isEqualTo("a");
        assertThat(next.get("pool-0")).doesNotContain("lb-0").first().isEqualTo("lb-111");
    }

    @Test
    void mixedRunsEndWhereOneAtATimeEnds() {
        for (long seed = 0; seed < 50; seed++) {
            assertThat(edit(TreePMap.empty(), seed, 300)).isEqualTo(oneAtATime(TreePMap.empty(), seed, 300));
            final TreePMap<String, TreePSet<String>> start = oneAtATime(TreePMap.empty(), seed + 1000, 100);
            assertThat(edit(start, seed, 300)).isEqualTo(oneAtATime(start, seed, 300));
        }
        assertThat(new IdMultimap.Edit(TreePMap.empty()).result()).isEmpty();
    }
}
