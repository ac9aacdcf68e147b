package dev.fulcrum.jetty;

import dev.fulcrum.api.ApiResponse;
import dev.fulcrum.api.ApiRouter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Jetty's error page for the API connector, in Cloudflare's envelope: whatever Jetty refuses there before the API
 * sees it (a bad request line, illegal characters, bad UTF-8, an ambiguous path, a URI or headers over the
 * connector's limits) and whatever the API's servlet context turns into an error is answered as
 * {@link ApiRouter#refused} answers it. Requests of any other connector go to the error handler it replaces, so the
 * server's own contexts keep their pages.
 *
 * <p>Installed as the server's error handler (the standalone, the Jetty module) and as the API context's.
 * Thread safety: stateless.
 */
public final class ApiErrorHandler implements Request.Handler {

    /** The servlet API's name for the message of a {@code sendError}, which the API context's errors carry. */
    private static final String SERVLET_ERROR_MESSAGE = "jakarta.servlet.error.message";

    private final Connector apiConnector;
    private final Request.Handler others;

    /**
     * @param apiConnector the connector whose every answer is the API's
     * @param others       the error handler for the other connectors, or null for Jetty's bare empty page
     */
    public ApiErrorHandler(Connector apiConnector, Request.Handler others) {
        this.apiConnector = apiConnector;
        this.others = others;
    }

    /** The handler this one stands in front of, for the other connectors (null: none). */
    public Request.Handler others() {
        return others;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() != apiConnector) {
            return others != null && others.handle(request, response, callback);
        }
        final Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
        final ApiResponse answer = ApiRouter.refused(status instanceof Integer code ? code : response.getStatus(),
                message(request), request.getHttpURI() == null ? null : request.getHttpURI().getPath());
        response.setStatus(answer.status());
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // A request refused below the API may have left the connection's framing in doubt (or be a CONNECT,
        // after which Jetty would keep it for a tunnel): it is not reused.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ApiResponse.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
        return true;
    }

    private static String message(Request request) {
        final Object core = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        final Object servlet = core != null ? core : request.getAttribute(SERVLET_ERROR_MESSAGE);
        return servlet == null ? null : servlet.toString();
    }
}
