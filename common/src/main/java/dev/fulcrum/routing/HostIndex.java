package dev.fulcrum.routing;

import java.util.Locale;
import java.util.Map;

/**
 * Host → enabled load balancer, by exact case-insensitive name (spec §1). Lookups strip a port and a trailing dot;
 * the common case (a lower-case host without either) allocates nothing. Persistent ({@link HashTrie}): the next
 * snapshot's index is this one with the changed names put or removed.
 */
final class HostIndex {

    static final HostIndex EMPTY = new HostIndex(HashTrie.empty());

    private final HashTrie<LbPlan> byName;

    private HostIndex(HashTrie<LbPlan> byName) {
        this.byName = byName;
    }

    /** @param byName keys already normalised with {@link #normalise} */
    HostIndex(Map<String, LbPlan> byName) {
        HashTrie<LbPlan> trie = HashTrie.empty();
        for (Map.Entry<String, LbPlan> e : byName.entrySet()) {
            trie = trie.plus(e.getKey(), e.getValue());
        }
        this.byName = trie;
    }

    /** This index with {@code name} (normalised) served by {@code plan}, or by nothing when it is null. */
    HostIndex with(String name, LbPlan plan) {
        final HashTrie<LbPlan> next = plan == null ? byName.minus(name) : byName.plus(name, plan);
        return next == byName ? this : new HostIndex(next);
    }

    /** The load balancer for a Host value, or null. */
    LbPlan find(String host) {
        final String name = normalise(host);
        return name == null ? null : byName.get(name);
    }

    int size() {
        return byName.size();
    }

    /**
     * Lower case, without {@code :port} and without one trailing dot; null for null or empty. IPv6 literals
     * ({@code [::1]:8080}) keep their brackets and lose the port; they never match a load balancer name anyway.
     */
    static String normalise(String host) {
        if (host == null) {
            return null;
        }
        int end = host.length();
        if (end > 0 && host.charAt(0) == '[') {
            final int close = host.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            final int colon = host.indexOf(':');
            if (colon >= 0) {
                end = colon;
            }
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        if (end == 0) {
            return null;
        }
        final String name = end == host.length() ? host : host.substring(0, end);
        return name.toLowerCase(Locale.ROOT); // same instance when already lower case
    }
}
