package dev.fulcrum.upstream;

import dev.fulcrum.routing.RouteDecision;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.util.Map;
import java.util.Set;

/**
 * The header rules of the answer to the client (spec §8.1), the same for every wrapper whatever its response type:
 * the origin's headers minus hop-by-hop ones (and those its {@code Connection} header lists) and {@code X-Accel-*},
 * then the decision's headers: {@code Set-Cookie} is added, any other (CF-Ray) replaces an origin value.
 *
 * <p>Thread safety: stateless.
 */
public final class ClientResponseHeaders {

    /** Where the headers go: the wrapper's own response. */
    public interface Target {

        /**
         * An origin header to pass on. {@code first} is true for the first value of its name, which replaces
         * whatever the container set by default (Date, Server); later values of the same name are added.
         */
        void origin(HttpField field, boolean first);

        /** Sets a header, replacing any value. */
        void set(String name, String value);

        /** Adds a header value. */
        void add(String name, String value);
    }

    private ClientResponseHeaders() {
    }

    /** Passes the origin's headers on, then adds the decision's. */
    public static void copy(HttpFields upstream, RouteDecision decision, Target target) {
        final Set<String> connectionTokens =
                ProxyHeaders.connectionTokens(upstream.getValuesList(HttpHeader.CONNECTION));
        final int size = upstream.size();
        for (int i = 0; i < size; i++) {
            final HttpField field = upstream.getField(i);
            if (ProxyHeaders.forwardsResponseHeader(field.getName(), connectionTokens)) {
                target.origin(field, firstOfItsName(upstream, i));
            }
        }
        addDecisionHeaders(decision, target);
    }

    /** The decision's headers alone (direct answers, 52x failures). */
    public static void addDecisionHeaders(RouteDecision decision, Target target) {
        for (Map.Entry<String, String> header : decision.responseHeaders()) {
            if (HttpHeader.SET_COOKIE.is(header.getKey())) {
                target.add(header.getKey(), header.getValue());
            } else {
                target.set(header.getKey(), header.getValue());
            }
        }
    }

    /**
     * Whether no earlier field has this field's name. Responses carry about ten headers, so scanning the earlier
     * ones costs less than a set of lower-cased names per response.
     */
    private static boolean firstOfItsName(HttpFields fields, int index) {
        final HttpField field = fields.getField(index);
        final HttpHeader known = field.getHeader();
        for (int j = 0; j < index; j++) {
            final HttpField earlier = fields.getField(j);
            // Parsed fields of a known name carry its enum: comparing those is enough.
            final boolean same = known != null && earlier.getHeader() != null ? earlier.getHeader() == known
                    : earlier.is(field.getName());
            if (same) {
                return false;
            }
        }
        return true;
    }
}
