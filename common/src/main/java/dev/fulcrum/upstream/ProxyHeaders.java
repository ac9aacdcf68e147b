package dev.fulcrum.upstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which headers a proxy hop must not pass on (spec §8.1, RFC 9110 §7.6.1). Both wrappers filter through this one
 * class, in both directions.
 *
 * <p>Names are compared case-insensitively. Thread safety: stateless.
 */
final class ProxyHeaders {

    /** Hop-by-hop headers: never forwarded in either direction (lower case). */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");

    /** {@link #HOP_BY_HOP} in any case, for tokens of a Connection header. */
    private static final Set<String> HOP_BY_HOP_TOKENS = caseInsensitive(HOP_BY_HOP);

    /** Origin response headers Cloudflare removes before answering the client (lower case). */
    public static final Set<String> STRIPPED_FROM_RESPONSES = Set.of("x-accel-buffering", "x-accel-charset",
            "x-accel-limit-rate", "x-accel-redirect");

    /**
     * Client request headers the wrapper handles itself rather than copying: {@code Host} is set from the decision,
     * and {@code Expect: 100-continue} was already answered by the container, so the origin must not wait for a
     * second continue (lower case).
     */
    public static final Set<String> REPLACED_IN_REQUESTS = Set.of("host", "expect");

    /*
     * The per-header checks run for every header of every proxied message, so they avoid lower-casing the name:
     * candidates are looked up by name length, then compared ignoring case. Lower-casing plus set lookups were about
     * 1.5 % of the proxy's CPU in the side-by-side benchmark's profile.
     */
    private static final String[][] NOT_FORWARDED_REQUEST = byLength(HOP_BY_HOP, REPLACED_IN_REQUESTS);
    private static final String[][] NOT_FORWARDED_RESPONSE = byLength(HOP_BY_HOP, STRIPPED_FROM_RESPONSES);

    private ProxyHeaders() {
    }

    private static Set<String> caseInsensitive(Set<String> names) {
        final TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return Collections.unmodifiableSet(set);
    }

    private static String[][] byLength(Set<String> first, Set<String> second) {
        int longest = 0;
        for (Set<String> names : List.of(first, second)) {
            for (String name : names) {
                longest = Math.max(longest, name.length());
            }
        }
        final List<List<String>> table = new ArrayList<>();
        for (int i = 0; i <= longest; i++) {
            table.add(new ArrayList<>());
        }
        for (Set<String> names : List.of(first, second)) {
            for (String name : names) {
                table.get(name.length()).add(name);
            }
        }
        final String[][] result = new String[longest + 1][];
        for (int i = 0; i <= longest; i++) {
            result[i] = table.get(i).toArray(new String[0]);
        }
        return result;
    }

    private static boolean listed(String[][] table, String name) {
        if (name.length() >= table.length) {
            return false;
        }
        for (String candidate : table[name.length()]) {
            if (candidate.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The header names listed by {@code Connection} values (e.g. {@code Connection: close, X-Trace}), lower case;
     * they are hop-by-hop for this message only. Names already in {@link #HOP_BY_HOP} are left out: they are never
     * forwarded anyway.
     */
    public static Set<String> connectionTokens(Iterable<String> connectionValues) {
        Set<String> tokens = Set.of();
        for (String value : connectionValues) {
            if (value == null) {
                continue;
            }
            int start = 0;
            while (start <= value.length()) {
                final int comma = value.indexOf(',', start);
                final int end = comma < 0 ? value.length() : comma;
                final String name = value.substring(start, end).trim();
                // Hop-by-hop names (keep-alive, the usual token) are never forwarded anyway: no set for them.
                if (!name.isEmpty() && !HOP_BY_HOP_TOKENS.contains(name)) {
                    if (tokens.isEmpty()) {
                        tokens = new HashSet<>();
                    }
                    tokens.add(name.toLowerCase(Locale.ROOT));
                }
                start = end + 1;
            }
        }
        return tokens;
    }

    /** Whether a client request header may be copied toward the origin. */
    public static boolean forwardsRequestHeader(String name, Set<String> connectionTokens) {
        return !listed(NOT_FORWARDED_REQUEST, name)
               && (connectionTokens.isEmpty() || !connectionTokens.contains(name.toLowerCase(Locale.ROOT)));
    }

    /** Whether an origin response header may be copied to the client. */
    public static boolean forwardsResponseHeader(String name, Set<String> connectionTokens) {
        return !listed(NOT_FORWARDED_RESPONSE, name)
               && (connectionTokens.isEmpty() || !connectionTokens.contains(name.toLowerCase(Locale.ROOT)));
    }
}
