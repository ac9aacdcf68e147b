package dev.fulcrum.upstream;

import dev.fulcrum.routing.RouteDecision;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header rules of one attempt toward its origin (spec §8.1), the same for every wrapper whatever its request
 * type: a client header is copied unless it is hop-by-hop, listed by the client's {@code Connection} header, removed
 * by the decision or set by it, or has a {@code _} in its name (unless the decision forwards those,
 * {@link RouteDecision.Forward#forwardsUnderscoreHeaders()}); then the decision's headers and {@code Host} are added.
 *
 * <p>Wrappers loop over their own request's headers, ask {@link #copies} per name and finish with
 * {@link #addDecisionHeaders}. Thread safety: immutable.
 */
public final class OriginRequestHeaders {

    private final Set<String> connectionTokens;
    /**
     * Names the decision removes, then the names it sets, compared ignoring case: a handful of names, so a scan
     * (length first, in {@code equalsIgnoreCase}) costs less than lower-casing every client header for a set lookup.
     */
    private final String[] replaced;
    /** The values of the names it sets, from index {@link #firstSet} of {@link #replaced} on. */
    private final String[] values;
    private final int firstSet;
    private final String hostHeader;
    private final boolean underscores;

    private OriginRequestHeaders(Set<String> connectionTokens, String[] replaced, String[] values, int firstSet,
                                 String hostHeader, boolean underscores) {
        this.connectionTokens = connectionTokens;
        this.replaced = replaced;
        this.values = values;
        this.firstSet = firstSet;
        this.hostHeader = hostHeader;
        this.underscores = underscores;
    }

    /**
     * @param forward                the attempt the headers are for
     * @param clientConnectionValues the values of the client's {@code Connection} header (none when absent)
     */
    public static OriginRequestHeaders of(RouteDecision.Forward forward, Iterable<String> clientConnectionValues) {
        final List<String> removed = forward.removeRequestHeaders();
        // Read once: the decision's header list makes its entries on access.
        final List<Map.Entry<String, String>> set = forward.requestHeaders();
        final int firstSet = removed.size();
        final String[] replaced = new String[firstSet + set.size()];
        final String[] values = new String[set.size()];
        int i = 0;
        for (String name : removed) {
            replaced[i++] = name;
        }
        for (Map.Entry<String, String> header : set) {
            values[i - firstSet] = header.getValue();
            replaced[i++] = header.getKey();
        }
        return new OriginRequestHeaders(ProxyHeaders.connectionTokens(clientConnectionValues), replaced, values,
                firstSet, forward.hostHeader(), forward.forwardsUnderscoreHeaders());
    }

    /** Whether the client's header of this name is copied toward the origin. */
    public boolean copies(String name) {
        if (!ProxyHeaders.forwardsRequestHeader(name, connectionTokens) || !underscores && name.indexOf('_') >= 0) {
            return false;
        }
        for (String other : replaced) {
            if (other.equalsIgnoreCase(name)) {
                return false;
            }
        }
        return true;
    }

    /** Adds the decision's headers (after the client's copied ones) and sets {@code Host}. */
    public void addDecisionHeaders(HttpFields.Mutable headers) {
        for (int i = firstSet; i < replaced.length; i++) {
            headers.add(replaced[i], values[i - firstSet]);
        }
        headers.put(HttpHeader.HOST, hostHeader);
    }
}
