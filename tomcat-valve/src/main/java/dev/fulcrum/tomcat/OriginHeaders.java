package dev.fulcrum.tomcat;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.OriginRequestHeaders;
import org.apache.catalina.connector.Request;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;

import java.util.Collections;

/**
 * Copies a Tomcat request's headers toward the origin by common's rules ({@link OriginRequestHeaders}), reading
 * the connector's header table once in arrival order. The servlet API's way ({@code getHeaderNames}, then
 * {@code getHeaders} per name) searches the whole table for every name and builds an enumeration per name; here
 * each header is visited once.
 *
 * <p>Thread safety: stateless; call on the thread that owns the request.
 */
final class OriginHeaders {

    private OriginHeaders() {
    }

    static void copy(Request request, RouteDecision.Forward forward, org.eclipse.jetty.client.Request proxyRequest) {
        final OriginRequestHeaders rules =
                OriginRequestHeaders.of(forward, Collections.list(request.getHeaders("Connection")));
        final MimeHeaders client = request.getCoyoteRequest().getMimeHeaders();
        proxyRequest.headers(headers -> {
            for (int i = 0, n = client.size(); i < n; i++) {
                final String name = client.getName(i).toString();
                if (name != null && rules.copies(name)) {
                    final MessageBytes value = client.getValue(i);
                    final String text = value == null ? null : value.toString();
                    if (text != null) {
                        headers.add(name, text);
                    }
                }
            }
            rules.addDecisionHeaders(headers);
        });
    }
}
