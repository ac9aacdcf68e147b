package dev.fulcrum.affinity;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The header session store: idle expiry refreshed by use, and the cap (expired first, then least recently used). */
class SessionStoreTest {

    private static final long TTL = 60_000;

    private static SessionStore.Key key(long n) {
        return new SessionStore.Key(n, ~n);
    }

    @Test
    void aSessionLivesWhileUsedAndExpiresAfterItsIdleTtl() {
        final SessionStore store = new SessionStore(10);
        assertThat(store.put(key(1), 11, 12, 0, TTL)).isTrue();
        assertThat(store.find(key(1), 59_000, TTL).originHash).isEqualTo(12);
        // Used at 59 s: idle again from there.
        assertThat(store.find(key(1), 118_000, TTL)).isNotNull();
        assertThat(store.find(key(1), 178_001, TTL)).isNull();
        assertThat(store.size()).as("removed by the lookup that found it expired").isZero();
        assertThat(store.find(key(2), 0, TTL)).isNull();
    }

    @Test
    void removeOnlyTakesAwayTheGivenPin() {
        final SessionStore store = new SessionStore(10);
        store.put(key(1), 11, 12, 0, TTL);
        store.remove(key(1), 11, 99);
        assertThat(store.find(key(1), 1, TTL)).isNotNull();
        store.remove(key(1), 11, 12);
        assertThat(store.find(key(1), 1, TTL)).isNull();
    }

    @Test
    void aFullStoreDropsExpiredSessionsFirst() {
        final SessionStore store = new SessionStore(10);
        for (int i = 0; i < 10; i++) {
            store.put(key(i), 1, i, i < 5 ? 0 : 50_000, TTL);
        }
        assertThat(store.put(key(100), 1, 100, 70_000, TTL)).isTrue();
        assertThat(store.size()).isEqualTo(6);
        assertThat(store.evicted()).isZero();
        for (int i = 5; i < 10; i++) {
            assertThat(store.find(key(i), 70_000, TTL)).as("live session %d", i).isNotNull();
        }
    }

    @Test
    void aFullStoreOfLiveSessionsEvictsTheLeastRecentlyUsed() {
        final SessionStore store = new SessionStore(100);
        for (int i = 0; i < 100; i++) {
            store.put(key(i), 1, i, 1_000L * i, 3_600_000);
        }
        // Session 3 is used again late: it is no longer among the least recently used.
        assertThat(store.find(key(3), 99_500, 3_600_000)).isNotNull();
        assertThat(store.put(key(1000), 1, 1000, 100_000, 3_600_000)).isTrue();
        assertThat(store.size()).isEqualTo(91);
        assertThat(store.evicted()).isEqualTo(10);
        assertThat(store.find(key(3), 100_000, 3_600_000)).isNotNull();
        assertThat(store.find(key(1000), 100_000, 3_600_000)).isNotNull();
        for (int i = 11; i < 100; i++) {
            assertThat(store.find(key(i), 100_000, 3_600_000)).as("recent session %d", i).isNotNull();
        }
        int oldKept = 0;
        for (int i = 0; i < 11; i++) {
            if (i != 3 && store.find(key(i), 100_000, 3_600_000) != null) {
                oldKept++;
            }
        }
        assertThat(oldKept).isZero();
    }

    @Test
    void replacingAnExistingSessionNeverNeedsRoom() {
        final SessionStore store = new SessionStore(3);
        for (int i = 0; i < 3; i++) {
            store.put(key(i), 1, i, 0, TTL);
        }
        assertThat(store.put(key(1), 2, 7, 10, TTL)).isTrue();
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.find(key(1), 10, TTL).poolHash).isEqualTo(2);
        assertThat(store.evicted()).isZero();
    }

    @Test
    void concurrentNewSessionsNeverGrowTheStoreBeyondItsCap() throws Exception {
        final SessionStore store = new SessionStore(1_000);
        final ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        store.put(key(thread * 1_000_000L + i), 1, i, i, 3_600_000);
                        assertThat(store.size()).isLessThanOrEqualTo(1_000 + 4);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        // Threads that passed the size check together may each add one: the overshoot is bounded by them.
        assertThat(store.size()).isLessThanOrEqualTo(1_000 + 4);
        assertThat(store.evicted() + store.refused()).isGreaterThanOrEqualTo(80_000 - 1_000 - 4);
    }

    @Test
    void theCapMustBePositive() {
        assertThatThrownBy(() -> new SessionStore(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("affinity sessions: 0 (expected: at least 1)");
    }
}
