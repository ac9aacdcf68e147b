package dev.fulcrum.affinity;

import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.request.Hashing;

/**
 * {@code cookie} affinity (spec §5): the pin travels in the client's signed {@code __cflb} cookie, so every node
 * sharing the key honours it and the node keeps no state. A request without a valid cookie (none, forged, expired,
 * malformed, another load balancer's) is steered normally and its response sets a new cookie. The cookie's expiry
 * is fixed when it is set (now + TTL) and is not extended by use.
 *
 * <p>Cookie attributes (spec §5.3) [G]: {@code samesite Auto} is {@code None} when the client's scheme is https,
 * else {@code Lax}; {@code secure Auto} sets {@code Secure} when the client's scheme is https; the other values are
 * used as they are. Always {@code HttpOnly} and {@code Path=/}, never a Domain.
 *
 * <p>The cookie is read from the request's first {@code Cookie} header only (HTTP/1.1 clients send one; HTTP/2
 * containers join the crumbs into one).
 */
class CookieAffinity implements Affinity {

    private final AffinityCookieCodec codec;
    private final long lbHash;
    private final long ttlSeconds;
    private final String sameSiteHttp;
    private final String sameSiteHttps;
    private final boolean secureHttp;
    private final boolean secureHttps;

    CookieAffinity(String lbId, AffinityCookieCodec codec, int ttlSeconds, SessionAffinityAttributes attributes) {
        this.codec = codec;
        this.lbHash = Hashing.of(lbId);
        this.ttlSeconds = ttlSeconds;
        final String sameSite = attributes.samesite() == null ? "Auto" : attributes.samesite();
        switch (sameSite) {
            case "Auto" -> {
                sameSiteHttp = "Lax";
                sameSiteHttps = "None";
            }
            case "Lax", "None", "Strict" -> {
                sameSiteHttp = sameSite;
                sameSiteHttps = sameSite;
            }
            default -> throw new IllegalArgumentException("session_affinity_attributes.samesite: " + sameSite
                    + " (expected: Auto, Lax, None, Strict)");
        }
        final String secure = attributes.secure() == null ? "Auto" : attributes.secure();
        switch (secure) {
            case "Auto" -> {
                secureHttp = false;
                secureHttps = true;
            }
            case "Always" -> {
                secureHttp = true;
                secureHttps = true;
            }
            case "Never" -> {
                if (sameSite.equals("None")) {
                    throw new IllegalArgumentException("session_affinity_attributes.secure: Never with samesite "
                            + "None (expected: Auto or Always)");
                }
                secureHttp = false;
                secureHttps = false;
            }
            default -> throw new IllegalArgumentException("session_affinity_attributes.secure: " + secure
                    + " (expected: Auto, Always, Never)");
        }
    }

    @Override
    public Session session(RequestView request, long nowMillis) {
        final long now = Math.floorDiv(nowMillis, 1000L);
        final AffinityCookieCodec.Pin pin = codec.find(request.header("Cookie"), lbHash, now, ttlSeconds);
        return new CookieSession(this, pin, "https".equalsIgnoreCase(request.scheme()), now);
    }

    /** ip_cookie overrides this: a new session is placed by the client address. */
    boolean placedByClientAddress() {
        return false;
    }

    /** The Set-Cookie value pinning a session to (pool, origin) from {@code now} for the TTL. */
    String setCookie(long poolHash, long originHash, boolean https, long now) {
        return codec.setCookie(lbHash, poolHash, originHash, now + ttlSeconds, https ? sameSiteHttps : sameSiteHttp,
                https ? secureHttps : secureHttp);
    }

    /** One request's cookie session. */
    private static final class CookieSession implements Session {

        private final CookieAffinity affinity;
        private final AffinityCookieCodec.Pin pin;
        private final boolean https;
        private final long now;

        CookieSession(CookieAffinity affinity, AffinityCookieCodec.Pin pin, boolean https, long now) {
            this.affinity = affinity;
            this.pin = pin;
            this.https = https;
            this.now = now;
        }

        @Override
        public boolean pinned() {
            return pin != null;
        }

        @Override
        public long poolHash() {
            return pin == null ? 0 : pin.poolHash();
        }

        @Override
        public long originHash() {
            return pin == null ? 0 : pin.originHash();
        }

        @Override
        public long keyHash() {
            // The signature is a keyed hash of the whole cookie: evenly spread, and a new cookie is a new session.
            return pin == null ? 0 : pin.sessionHash();
        }

        @Override
        public boolean placedByClientAddress() {
            return affinity.placedByClientAddress();
        }

        @Override
        public String pin(long poolHash, long originHash) {
            return affinity.setCookie(poolHash, originHash, https, now);
        }

        @Override
        public void unpin(long poolHash, long originHash) {
            // Nothing is kept here: the router leaves the Set-Cookie off a failure answer.
        }
    }
}
