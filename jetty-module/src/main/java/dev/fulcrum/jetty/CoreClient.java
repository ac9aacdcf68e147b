package dev.fulcrum.jetty;

import dev.fulcrum.forwarding.ClientSide;
import dev.fulcrum.forwarding.Forwarding;
import dev.fulcrum.forwarding.ResponseHead;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.OriginRequestHeaders;
import dev.fulcrum.upstream.TunnelConnection;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * The client side of a request through {@link FulcrumProxyHandler}: a Jetty core request, response and callback.
 * Nothing blocks: the body is Jetty's own content source (read with demand), each chunk of the answer is a
 * {@code Response.write} whose callback asks the origin for the next, and the request's callback ends the exchange
 * (failed: Jetty closes the connection). Headers pass as Jetty fields, never re-parsed.
 *
 * <p>Jetty's failure notice (the client connection failed, closed or timed out during I/O) tells the loop the client
 * went away. Jetty's idle timeout must not end a request waiting for its origin (the upstream read timeout bounds
 * that); it still fails a pending body read or answer write, which is a client too slow, not an origin.
 */
final class CoreClient implements ClientSide, Consumer<Throwable> {

    private final Request request;
    private final Response response;
    private final Callback callback;
    private Forwarding forwarding;
    /** Set by {@link #finish} before the last write, which reads it on another thread, maybe. */
    private volatile HttpFields trailers;

    CoreClient(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    @Override
    public void start(Forwarding started) {
        this.forwarding = started;
        request.addIdleTimeoutListener(timeout -> false);
        request.addFailureListener(this);
    }

    /** Jetty's notice that the client connection failed. */
    @Override
    public void accept(Throwable failure) {
        forwarding.clientFailed(failure);
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String rawPath() {
        return request.getHttpURI().getPath();
    }

    @Override
    public String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    @Override
    public String protocol() {
        return request.getConnectionMetaData().getProtocol();
    }

    @Override
    public long contentLength() {
        return request.getLength();
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public List<String> headerValues(String name) {
        final HttpFields headers = request.getHeaders();
        return headers.contains(name) ? headers.getValuesList(name) : List.of();
    }

    @Override
    public void copyHeaders(OriginRequestHeaders rules, HttpFields.Mutable headers) {
        for (HttpField field : request.getHeaders()) {
            if (rules.copies(field.getName())) {
                headers.add(field); // Jetty's field as it is
            }
        }
    }

    @Override
    public void readBody(int length) {
        // Jetty answers Expect: 100-continue on the first read.
        Content.Source.asByteArrayAsync(request, length, Promise.Invocable.from(
                Invocable.InvocationType.NON_BLOCKING, forwarding::bodyRead, forwarding::bodyFailed));
    }

    @Override
    public Content.Source body() {
        return request;
    }

    @Override
    public void head(ResponseHead head) {
        response.setStatus(head.status());
        head.headers(new CoreResponses.Headers(response.getHeaders()));
        if (HttpVersion.HTTP_2 == request.getConnectionMetaData().getHttpVersion()) {
            // Jetty takes the supplier with the head (when the answer commits), and asks it at the end. HTTP/1.1
            // gets none: with one, Jetty would chunk an answer whose length the origin gave.
            response.setTrailersSupplier(this::trailers);
        }
    }

    /** The origin's trailers once the answer is complete, else null (none). */
    private HttpFields trailers() {
        return trailers;
    }

    @Override
    public void write(ByteBuffer bytes, Callback written) {
        response.write(false, bytes, written);
    }

    /** Over HTTP/2, where gRPC calls come: Jetty asks for them when it writes the end of the answer. */
    @Override
    public boolean sendsTrailers() {
        return true;
    }

    @Override
    public void finish(HttpFields originTrailers) {
        trailers = originTrailers;
        response.write(true, BufferUtil.EMPTY_BUFFER, callback);
    }

    @Override
    public void answer(DirectAnswer answer) {
        CoreResponses.write(response, callback, answer);
    }

    @Override
    public void abort(Throwable failure) {
        callback.failed(failure);
    }

    @Override
    public void upgrade(ResponseHead head, TunnelConnection origin) {
        head(head);
        JettyUpgrade.upgrade(request, origin);
        callback.succeeded();
    }
}
