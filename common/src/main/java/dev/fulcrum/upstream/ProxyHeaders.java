package dev.fulcrum.upstream;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers a proxy hop must not pass on (spec §8.1, RFC 9110 §7.6.1). Both wrappers filter through this one
 * class, in both directions.
 *
 * <p>Names are compared case-insensitively. Thread safety: stateless.
 */
public final class ProxyHeaders {

    /** Hop-by-hop headers: never forwarded in either direction (lower case). */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");

    /** Origin response headers Cloudflare removes before answering the client (lower case). */
    public static final Set<String> STRIPPED_FROM_RESPONSES = Set.of("x-accel-buffering", "x-accel-charset",
            "x-accel-limit-rate", "x-accel-redirect");

    /**
     * Client request headers the wrapper handles itself rather than copying: {@code Host} is set from the decision,
     * and {@code Expect: 100-continue} was already answered by the container, so the origin must not wait for a
     * second continue (lower case).
     */
    public static final Set<String> REPLACED_IN_REQUESTS = Set.of("host", "expect");

    private ProxyHeaders() {
    }

    /**
     * The header names listed by {@code Connection} values (e.g. {@code Connection: close, X-Trace}), lower case;
     * they are hop-by-hop for this message only.
     */
    public static Set<String> connectionTokens(Iterable<String> connectionValues) {
        Set<String> tokens = Set.of();
        for (String value : connectionValues) {
            if (value == null) {
                continue;
            }
            for (String token : value.split(",")) {
                final String name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    if (tokens.isEmpty()) {
                        tokens = new HashSet<>();
                    }
                    tokens.add(name);
                }
            }
        }
        return tokens;
    }

    /** Whether a client request header may be copied toward the origin. */
    public static boolean forwardsRequestHeader(String name, Set<String> connectionTokens) {
        final String lower = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(lower) && !REPLACED_IN_REQUESTS.contains(lower)
               && !connectionTokens.contains(lower);
    }

    /** Whether an origin response header may be copied to the client. */
    public static boolean forwardsResponseHeader(String name, Set<String> connectionTokens) {
        final String lower = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(lower) && !STRIPPED_FROM_RESPONSES.contains(lower)
               && !connectionTokens.contains(lower);
    }
}
