package dev.fulcrum.affinity;

/**
 * One request's session under a load balancer's affinity: the pin the request carried, if any valid one, and the
 * way to pin it anew. Made by {@link Affinity#session} for one request and used by the router for that request and
 * its failover retry only (never shared between requests, so a keep-alive connection carrying several clients'
 * requests keeps them apart).
 *
 * <p>Pins name a pool and an origin by stable hashes (see {@link AffinityCookieCodec}), so they survive
 * configuration and health changes that keep the pool id and the origin's address and port.
 */
public interface Session {

    /** True when the request carried a valid, unexpired pin ({@link #poolHash()} and {@link #originHash()}). */
    boolean pinned();

    /** The pinned pool's hash; meaningful only when {@link #pinned()}. */
    long poolHash();

    /** The pinned origin's identity hash; meaningful only when {@link #pinned()}. */
    long originHash();

    /** A stable, evenly spread hash of the session key, for {@code load_shedding.session_percent} (spec §2.2). */
    long keyHash();

    /** True when a new session is placed by a hash of the client address ({@code ip_cookie}), not by steering. */
    boolean placedByClientAddress();

    /**
     * Pins the session to an origin (a new session, or a re-pin).
     *
     * @return the {@code Set-Cookie} value the response must carry, or null when the pin is kept server-side
     */
    String pin(long poolHash, long originHash);

    /**
     * Withdraws a pin made by {@link #pin} for this request, because the origin could not answer it (a failure
     * answer never establishes a pin). Removes nothing that a later request pinned meanwhile.
     */
    void unpin(long poolHash, long originHash);
}
