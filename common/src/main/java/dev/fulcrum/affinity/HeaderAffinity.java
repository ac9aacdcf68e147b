package dev.fulcrum.affinity;

import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.request.Hashing;

import java.util.List;

/**
 * {@code header} affinity (spec §5, §5.3): the session key is built from the configured request headers and mapped
 * to an origin in the node's {@link SessionStore}, with an idle TTL refreshed on each use.
 *
 * <p>Headers: each entry names a request header (first value), or is {@code cookie} (the whole Cookie header) or
 * {@code cookie:<n1>,<n2>} (the values of those cookies, each counting as one header). An empty value counts as
 * absent [G]. With {@code require_all_headers} every listed header must be present, else no session is made; without
 * it at least one must be. Which headers were present is part of the key, so new values, or a different subset,
 * make a new session.
 *
 * <p>The key is two independent 64-bit hashes of the load balancer id and the values (fixed size whatever the
 * header lengths, so the store's memory stays bounded). A collision would only share a pin between two sessions.
 * {@code sticky} failover is refused for this type (spec §5.3); pins are never written to the client.
 */
final class HeaderAffinity implements Affinity {

    private static final int HEADER = 0;
    private static final int NAMED_COOKIES = 1;
    private static final String COOKIE = "Cookie";
    private static final String COOKIE_PREFIX = "cookie:";

    private final long lbHash;
    private final SessionStore store;
    private final long ttlMillis;
    private final boolean requireAll;
    private final int[] kinds;
    /** The header name, or null for named cookies. */
    private final String[] headers;
    /** The cookie names of a {@code cookie:} entry, else null. */
    private final String[][] cookies;

    HeaderAffinity(String lbId, SessionStore store, int ttlSeconds, SessionAffinityAttributes attributes) {
        this.lbHash = Hashing.of(lbId);
        this.store = store;
        this.ttlMillis = ttlSeconds * 1000L;
        this.requireAll = attributes.requireAllHeaders();
        if (FailoverMode.of(attributes.zeroDowntimeFailover()) == FailoverMode.STICKY) {
            throw new IllegalArgumentException("session_affinity_attributes.zero_downtime_failover: sticky "
                    + "(expected: none or temporary when session_affinity is header)");
        }
        final List<String> entries = attributes.headers();
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("session_affinity_attributes.headers: empty (expected: at least 1 "
                    + "header name when session_affinity is header)");
        }
        final int n = entries.size();
        kinds = new int[n];
        headers = new String[n];
        cookies = new String[n][];
        for (int i = 0; i < n; i++) {
            final String entry = entries.get(i);
            if (entry.startsWith(COOKIE_PREFIX)) {
                final String[] names = entry.substring(COOKIE_PREFIX.length()).split(",", -1);
                for (String name : names) {
                    if (name.isEmpty()) {
                        throw new IllegalArgumentException("session_affinity_attributes.headers[" + i + "]: " + entry
                                + " (expected: cookie:<name>,<name> without empty names)");
                    }
                }
                kinds[i] = NAMED_COOKIES;
                cookies[i] = names;
            } else if (entry.isEmpty()) {
                throw new IllegalArgumentException("session_affinity_attributes.headers[" + i + "]: empty "
                        + "(expected: a header name)");
            } else {
                // "cookie" needs no special case: as a header name it already is the whole Cookie header.
                kinds[i] = HEADER;
                headers[i] = entry;
            }
        }
    }

    @Override
    public Session session(RequestView request, long nowMillis) {
        final KeyHash key = new KeyHash(lbHash);
        int present = 0;
        String cookieHeader = null;
        boolean cookieRead = false;
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == HEADER) {
                final String value = request.header(headers[i]);
                if (value == null || value.isEmpty()) {
                    if (requireAll) {
                        return null;
                    }
                    key.absent(i);
                } else {
                    present++;
                    key.value(i, value, 0, value.length());
                }
                continue;
            }
            if (!cookieRead) {
                cookieHeader = request.header(COOKIE);
                cookieRead = true;
            }
            final String[] names = cookies[i];
            for (int j = 0; j < names.length; j++) {
                final long found = cookieHeader == null ? Cookies.ABSENT : Cookies.find(cookieHeader, names[j], 0);
                final int marker = i << 16 | j;
                if (found == Cookies.ABSENT || Cookies.start(found) == Cookies.end(found)) {
                    if (requireAll) {
                        return null;
                    }
                    key.absent(marker);
                } else {
                    present++;
                    key.value(marker, cookieHeader, Cookies.start(found), Cookies.end(found));
                }
            }
        }
        if (present == 0) {
            return null;
        }
        final SessionStore.Key storeKey = key.toKey();
        return new HeaderSession(this, storeKey, store.find(storeKey, nowMillis, ttlMillis), nowMillis);
    }

    /** Two independent 64-bit hash lanes over the header values, with an entry marker before each. */
    private static final class KeyHash {
        private long a;
        private long b;

        KeyHash(long seed) {
            a = 0xcbf29ce484222325L ^ seed;
            b = 0x9e3779b97f4a7c15L + Long.rotateLeft(seed, 29);
        }

        void absent(int marker) {
            feed(0x20000 | marker);
        }

        void value(int marker, String text, int start, int end) {
            feed(0x10000 | marker);
            for (int i = start; i < end; i++) {
                feed(text.charAt(i));
            }
            feed(end - start);
        }

        private void feed(int v) {
            a = (a ^ v) * 0x100000001b3L;
            b = (b + v) * 0xc2b2ae3d27d4eb4fL;
            b ^= b >>> 29;
        }

        SessionStore.Key toKey() {
            return new SessionStore.Key(Hashing.mix(a), Hashing.mix(b ^ Long.rotateLeft(a, 17)));
        }
    }

    /** One request's header session. */
    private static final class HeaderSession implements Session {

        private final HeaderAffinity affinity;
        private final SessionStore.Key key;
        private final SessionStore.Entry entry;
        private final long now;

        HeaderSession(HeaderAffinity affinity, SessionStore.Key key, SessionStore.Entry entry, long now) {
            this.affinity = affinity;
            this.key = key;
            this.entry = entry;
            this.now = now;
        }

        @Override
        public boolean pinned() {
            return entry != null;
        }

        @Override
        public long poolHash() {
            return entry == null ? 0 : entry.poolHash;
        }

        @Override
        public long originHash() {
            return entry == null ? 0 : entry.originHash;
        }

        @Override
        public long keyHash() {
            return key.hi();
        }

        @Override
        public boolean placedByClientAddress() {
            return false;
        }

        @Override
        public String pin(long poolHash, long originHash) {
            affinity.store.put(key, poolHash, originHash, now, affinity.ttlMillis);
            return null;
        }

        @Override
        public void unpin(long poolHash, long originHash) {
            affinity.store.remove(key, poolHash, originHash);
        }
    }
}
