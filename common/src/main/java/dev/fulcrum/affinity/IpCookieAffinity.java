package dev.fulcrum.affinity;

import dev.fulcrum.config.SessionAffinityAttributes;

/**
 * {@code ip_cookie} affinity (spec §5): as {@link CookieAffinity}, but a client without a valid cookie is placed by
 * a stable hash of its address (CF-Connecting-IP) over the usable pools and origins, with the same rendezvous
 * hashing as {@code hash} origin steering, so it lands on the same origin on every node and after restarts until
 * the usable set changes. The router does the placing when {@link Session#placedByClientAddress()} says so.
 */
final class IpCookieAffinity extends CookieAffinity {

    IpCookieAffinity(String lbId, AffinityCookieCodec codec, int ttlSeconds, SessionAffinityAttributes attributes) {
        super(lbId, codec, ttlSeconds, attributes);
    }

    @Override
    boolean placedByClientAddress() {
        return true;
    }
}
