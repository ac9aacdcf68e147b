package dev.fulcrum.upstream;

import dev.fulcrum.routing.ForwardHeaders;
import dev.fulcrum.routing.RouteDecision;
import org.eclipse.jetty.http.HttpField;
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
 *
 * <p>The router's own six headers ({@link ForwardHeaders#requestHeaders}), what every decision carries, cost no
 * per-request copy of their names: the names to replace are one shared array, each field is built with its name
 * known (Jetty's field constructor by name looks the name up in its header cache), and the two whose value is the
 * client's scheme are shared fields.
 */
public final class OriginRequestHeaders {

    private static final String[] STANDARD_REPLACED = standardReplaced();
    /** Jetty's enum for each of the router's header names, or null: no lookup of the name per request. */
    private static final HttpHeader[] STANDARD_ENUMS = new HttpHeader[ForwardHeaders.REQUEST_HEADER_NAMES.size()];
    private static final int PROTO = ForwardHeaders.REQUEST_HEADER_NAMES.indexOf(ForwardHeaders.X_FORWARDED_PROTO);
    private static final int VISITOR = ForwardHeaders.REQUEST_HEADER_NAMES.indexOf(ForwardHeaders.CF_VISITOR);
    private static final HttpField PROTO_HTTP = new HttpField(HttpHeader.X_FORWARDED_PROTO, "http");
    private static final HttpField PROTO_HTTPS = new HttpField(HttpHeader.X_FORWARDED_PROTO, "https");
    private static final HttpField VISITOR_HTTP = new HttpField(null, ForwardHeaders.CF_VISITOR,
            ForwardHeaders.visitor("http"));
    private static final HttpField VISITOR_HTTPS = new HttpField(null, ForwardHeaders.CF_VISITOR,
            ForwardHeaders.visitor("https"));

    static {
        for (int i = 0; i < STANDARD_ENUMS.length; i++) {
            final HttpHeader known = HttpHeader.CACHE.get(ForwardHeaders.REQUEST_HEADER_NAMES.get(i));
            STANDARD_ENUMS[i] = known != null && known.is(ForwardHeaders.REQUEST_HEADER_NAMES.get(i)) ? known : null;
        }
    }

    private final Set<String> connectionTokens;
    /**
     * Names the decision removes, then the names it sets, compared ignoring case: a handful of names, so a scan
     * (length first, in {@code equalsIgnoreCase}) costs less than lower-casing every client header for a set lookup.
     */
    private final String[] replaced;
    /** The values of the names it sets, from index {@link #firstSet} of {@link #replaced} on; null if standard. */
    private final String[] values;
    /** The router's own headers, when the decision sets exactly those (else null, and {@link #values} holds). */
    private final ForwardHeaders.RequestHeaderValues standard;
    private final int firstSet;
    private final String hostHeader;
    private final boolean underscores;

    private OriginRequestHeaders(Set<String> connectionTokens, String[] replaced, String[] values,
                                 ForwardHeaders.RequestHeaderValues standard, int firstSet, String hostHeader,
                                 boolean underscores) {
        this.connectionTokens = connectionTokens;
        this.replaced = replaced;
        this.values = values;
        this.standard = standard;
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
        if (removed == ForwardHeaders.REMOVE && set instanceof ForwardHeaders.RequestHeaderValues router) {
            return new OriginRequestHeaders(ProxyHeaders.connectionTokens(clientConnectionValues), STANDARD_REPLACED,
                    null, router, removed.size(), forward.hostHeader(), forward.forwardsUnderscoreHeaders());
        }
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
                null, firstSet, forward.hostHeader(), forward.forwardsUnderscoreHeaders());
    }

    private static String[] standardReplaced() {
        final String[] names = new String[ForwardHeaders.REMOVE.size() + ForwardHeaders.REQUEST_HEADER_NAMES.size()];
        int i = 0;
        for (String name : ForwardHeaders.REMOVE) {
            names[i++] = name;
        }
        for (String name : ForwardHeaders.REQUEST_HEADER_NAMES) {
            names[i++] = name;
        }
        return names;
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
        if (standard != null) {
            addStandard(headers);
        } else {
            for (int i = firstSet; i < replaced.length; i++) {
                headers.add(replaced[i], values[i - firstSet]);
            }
        }
        headers.put(HttpHeader.HOST, hostHeader);
    }

    private void addStandard(HttpFields.Mutable headers) {
        for (int i = 0; i < STANDARD_ENUMS.length; i++) {
            final String value = standard.value(i);
            if (value == null) {
                headers.add(ForwardHeaders.REQUEST_HEADER_NAMES.get(i), value); // as for any decision's header
                continue;
            }
            final HttpField shared = i == PROTO ? proto(value) : i == VISITOR ? visitor(value) : null;
            headers.add(shared != null ? shared
                    : new HttpField(STANDARD_ENUMS[i], ForwardHeaders.REQUEST_HEADER_NAMES.get(i), value));
        }
    }

    private static HttpField proto(String value) {
        return "http".equals(value) ? PROTO_HTTP : "https".equals(value) ? PROTO_HTTPS : null;
    }

    private static HttpField visitor(String value) {
        return VISITOR_HTTP.getValue().equals(value) ? VISITOR_HTTP
            : VISITOR_HTTPS.getValue().equals(value) ? VISITOR_HTTPS : null;
    }
}
