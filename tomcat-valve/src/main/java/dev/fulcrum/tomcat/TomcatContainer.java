package dev.fulcrum.tomcat;

import dev.fulcrum.servlet.ServletContainer;
import dev.fulcrum.upstream.OriginRequestHeaders;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.coyote.ActionCode;
import org.apache.coyote.ContinueResponseTiming;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;
import org.eclipse.jetty.http.HttpFields;

import java.io.IOException;

/**
 * What the valve's client sides do the Tomcat way, on the connector's own request and response (the valve sees them
 * before any webapp wraps them).
 *
 * <p>Thread safety: stateless; call on the thread that owns the request.
 */
enum TomcatContainer implements ServletContainer {
    INSTANCE;

    /**
     * Reads the connector's header table once, in arrival order. The servlet API's way ({@code getHeaderNames}, then
     * {@code getHeaders} per name) searches the whole table for every name and builds an enumeration per name; here
     * each header is visited once.
     */
    @Override
    public void copyHeaders(HttpServletRequest request, OriginRequestHeaders rules, HttpFields.Mutable headers) {
        final MimeHeaders client = ((Request) request).getCoyoteRequest().getMimeHeaders();
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
    }

    /**
     * Tomcat sends "100 Continue" from StandardContextValve, which forwarded requests never reach: it is sent here, at
     * the connector-configured moment, or a client waiting for it never sends its body.
     */
    @Override
    public void beforeReading(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ((Response) response).sendAcknowledgement(ContinueResponseTiming.IMMEDIATELY);
    }

    /** Closes the connection at once: the client sees an incomplete answer, never a complete wrong one. */
    @Override
    public void abort(HttpServletRequest request, HttpServletResponse response, Throwable failure) {
        ((Response) response).getCoyoteResponse().action(ActionCode.CLOSE_NOW, failure);
    }
}
