package dev.fulcrum.standalone;

import dev.fulcrum.tls.HttpsRedirect;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.function.IntSupplier;

/**
 * The plain port with {@code --redirect-https}: common's {@link HttpsRedirect} answer for every request it applies
 * to; the rest (ACME challenges) go to the proxy handler as usual.
 */
final class HttpsRedirectHandler extends Handler.Wrapper {

    private final IntSupplier httpsPort;

    /** @param httpsPort the TLS listener's bound port (read per request: it may have been 0 until bound) */
    HttpsRedirectHandler(IntSupplier httpsPort, Handler proxy) {
        super(proxy);
        this.httpsPort = httpsPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        final String path = request.getHttpURI().getPath();
        if (!HttpsRedirect.applies(path)) {
            return super.handle(request, response, callback);
        }
        final String query = request.getHttpURI().getQuery();
        response.setStatus(HttpsRedirect.status(request.getMethod()));
        response.getHeaders().put(HttpHeader.LOCATION, HttpsRedirect.location(host(request),
                httpsPort.getAsInt(), query == null ? path : path + '?' + query));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        callback.succeeded();
        return true;
    }

    /** The Host header (HTTP/1.1), else the authority Jetty took the server name from (h2's {@code :authority}). */
    private static String host(Request request) {
        final String header = request.getHeaders().get(HttpHeader.HOST);
        return header == null || header.isEmpty() ? Request.getServerName(request) : header;
    }
}
