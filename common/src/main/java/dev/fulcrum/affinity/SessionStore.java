package dev.fulcrum.affinity;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's server-side sessions for {@code header} affinity (spec §5): session key → pinned pool and origin, each
 * with an idle TTL that every use refreshes. One store per router, shared by all its load balancers (keys include
 * the load balancer) and kept across configuration changes.
 *
 * <p>Bounded: idle sessions expire lazily (a lookup that finds one past its TTL removes it), and the store holds at
 * most {@code maxSessions} (default {@value #DEFAULT_MAX_SESSIONS}, about 100 bytes each; threads storing new
 * sessions at the very same moment may each overshoot it by one, as the size check takes no lock). When a new
 * session meets a full store, the thread that stores it sweeps once: first every expired session, then, if still
 * above 90 % of the cap, about the least recently used sessions down to 90 % (the cut-off is estimated from a
 * sample of 1,024 last-use times; sessions last used exactly at the cut-off go last). A new session that arrives
 * while another thread sweeps, or that still finds the store full, is not stored: its request is routed normally
 * and simply has no pin yet ({@link #refused()} counts them). Existing sessions are never refused.
 *
 * <p>Concurrency: a {@link ConcurrentHashMap} with no lock of its own on the request path; the last-use time is a
 * volatile field written at most once per second per session so a busy session does not bounce a cache line
 * between cores; sweeps are serialized by a flag, never waited for.
 */
public final class SessionStore {

    /** Sessions a node keeps by default. */
    public static final int DEFAULT_MAX_SESSIONS = 100_000;

    private static final long TOUCH_GRANULARITY_MILLIS = 1_000;
    private static final int SAMPLE = 1_024;

    /** A 128-bit session key: two independent hashes of the load balancer and the session's header values. */
    record Key(long hi, long lo) {
    }

    /** Where a session is pinned, and when it was last used (epoch ms). */
    static final class Entry {
        final long poolHash;
        final long originHash;
        /** The idle TTL in force when stored, for sweeps (lookups use the load balancer's current TTL). */
        final long ttlMillis;
        volatile long lastUsed;

        Entry(long poolHash, long originHash, long ttlMillis, long lastUsed) {
            this.poolHash = poolHash;
            this.originHash = originHash;
            this.ttlMillis = ttlMillis;
            this.lastUsed = lastUsed;
        }
    }

    private final int maxSessions;
    private final int lowWatermark;
    private final ConcurrentHashMap<Key, Entry> sessions = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder refused = new LongAdder();

    /** @throws IllegalArgumentException when {@code maxSessions} is below 1 */
    public SessionStore(int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("affinity sessions: " + maxSessions + " (expected: at least 1)");
        }
        this.maxSessions = maxSessions;
        this.lowWatermark = (int) (maxSessions * 0.9);
    }

    public int maxSessions() {
        return maxSessions;
    }

    /** Sessions held now (expired ones included until a lookup or sweep removes them). */
    public int size() {
        return sessions.size();
    }

    /** Live sessions removed to make room, since start. */
    public long evicted() {
        return evicted.sum();
    }

    /** New sessions not stored because the store was full, since start. */
    public long refused() {
        return refused.sum();
    }

    /** The live session for {@code key}, refreshing its last use; null when absent or idle longer than the TTL. */
    Entry find(Key key, long now, long idleTtlMillis) {
        final Entry entry = sessions.get(key);
        if (entry == null) {
            return null;
        }
        final long last = entry.lastUsed;
        if (now - last > idleTtlMillis) {
            sessions.remove(key, entry);
            return null;
        }
        if (now - last >= TOUCH_GRANULARITY_MILLIS) {
            entry.lastUsed = now;
        }
        return entry;
    }

    /** Stores (or replaces) a session's pin; false when a full store refused a new session. */
    boolean put(Key key, long poolHash, long originHash, long now, long idleTtlMillis) {
        final Entry entry = new Entry(poolHash, originHash, idleTtlMillis, now);
        if (sessions.size() >= maxSessions && !sessions.containsKey(key) && !makeRoom(now)) {
            refused.increment();
            return false;
        }
        sessions.put(key, entry);
        return true;
    }

    /** Removes the session only while it is still pinned to (pool, origin). */
    void remove(Key key, long poolHash, long originHash) {
        final Entry entry = sessions.get(key);
        if (entry != null && entry.poolHash == poolHash && entry.originHash == originHash) {
            sessions.remove(key, entry);
        }
    }

    private boolean makeRoom(long now) {
        if (!sweeping.compareAndSet(false, true)) {
            return false;
        }
        try {
            sweep(now);
            return sessions.size() < maxSessions;
        } finally {
            sweeping.set(false);
        }
    }

    /** Drops expired sessions, then the least recently used ones down to 90 % of the cap. */
    void sweep(long now) {
        sessions.values().removeIf(e -> now - e.lastUsed > e.ttlMillis);
        final int size = sessions.size();
        if (size <= lowWatermark) {
            return;
        }
        final long[] sample = new long[Math.min(SAMPLE, size)];
        final int stride = Math.max(1, size / sample.length);
        int taken = 0;
        int seen = 0;
        for (Entry e : sessions.values()) {
            if (seen++ % stride == 0 && taken < sample.length) {
                sample[taken++] = e.lastUsed;
            }
        }
        if (taken == 0) {
            return;
        }
        Arrays.sort(sample, 0, taken);
        int excess = size - lowWatermark;
        final long cutoff = sample[Math.min(taken - 1, (int) ((long) excess * taken / size))];
        // Older than the cut-off first, then those used at the cut-off itself until enough are gone.
        for (int pass = 0; pass < 2 && excess > 0; pass++) {
            final Iterator<Map.Entry<Key, Entry>> it = sessions.entrySet().iterator();
            while (it.hasNext() && excess > 0) {
                final long last = it.next().getValue().lastUsed;
                if (pass == 0 ? last < cutoff : last <= cutoff) {
                    it.remove();
                    evicted.increment();
                    excess--;
                }
            }
        }
    }
}
