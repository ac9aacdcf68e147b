package dev.fulcrum.servlet;

import dev.fulcrum.forwarding.Forwarding;
import dev.fulcrum.forwarding.OriginSide;
import dev.fulcrum.forwarding.ResponseHead;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.TunnelConnection;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client side of a request in servlet async mode, where no container thread waits for the origin: the body is
 * read with a {@code ReadListener} ({@link BufferedBodyReader} into memory, {@link StreamedBodyReader} into Jetty's
 * {@link AsyncRequestContent} as the origin side takes it), and the answer is written by a {@link NonBlockingSink}.
 * The Tomcat valve (a request mapped to a webapp) and the WAR's proxy servlet use it.
 *
 * <p>The client going away (an I/O error, a completion Fulcrum did not ask for, a failed write) is told to the loop,
 * which abandons the attempt in flight; the async request is then completed at once, which keeps the container from
 * an error dispatch of a request that is already answered.
 */
public final class AsyncServletClient extends ServletClient implements AsyncListener {

    private final AsyncContext async;
    private final NonBlockingSink sink;
    private final AtomicBoolean done = new AtomicBoolean();

    private AsyncServletClient(HttpServletRequest request, HttpServletResponse response, ServletContainer container,
                               AsyncContext async) throws IOException {
        super(request, response, container);
        this.async = async;
        this.sink = new NonBlockingSink(response.getOutputStream(), this::clientLeft);
    }

    /**
     * Starts async processing of {@code request} (the caller made it async-capable) and forwards it; returns at once.
     *
     * @throws IOException if the response's stream cannot be had (nothing was sent; the outcome is reported)
     */
    public static void forward(HttpServletRequest request, HttpServletResponse response, ServletContainer container,
                               RouteDecision.Forward decision, OriginSide origins) throws IOException {
        final AsyncContext async;
        final AsyncServletClient client;
        try {
            async = request.startAsync();
            // Upstream timeouts bound the exchange; the container must not time it out on its own.
            async.setTimeout(0);
            client = new AsyncServletClient(request, response, container, async);
        } catch (IOException | RuntimeException e) {
            decision.complete(Outcome.CANCELLED, 0, 0); // decided, never sent
            throw e;
        }
        Forwarding.forward(decision, client, origins);
    }

    @Override
    public void start(Forwarding forwarding) {
        super.start(forwarding);
        async.addListener(this);
        sink.listen(); // on the container's thread, right after startAsync (see NonBlockingSink)
    }

    // ---- body

    @Override
    public void readBody(int length) {
        try {
            container.beforeReading(request, response);
            final ServletInputStream in = request.getInputStream();
            in.setReadListener(new BufferedBodyReader(in, length, forwarding));
        } catch (IOException | RuntimeException e) {
            forwarding.bodyFailed(e);
        }
    }

    @Override
    void stream(ServletInputStream in, AsyncRequestContent streamed) {
        in.setReadListener(new StreamedBodyReader(in, streamed));
    }

    // ---- answer

    @Override
    void streaming() {
        sink.flushEachWrite();
    }

    @Override
    public void write(ByteBuffer bytes, Callback written) {
        trailing();
        // The stream takes arrays, and the origin side's buffer may be direct (see arrayOf).
        sink.write(arrayOf(bytes), offsetOf(bytes), bytes.remaining(), written);
    }

    @Override
    public void finish(HttpFields trailers) {
        keepTrailers(trailers);
        sink.finish(this::complete);
    }

    @Override
    public void answer(DirectAnswer answer) {
        if (done.get()) {
            return; // the client left and its request is completed: the response is no longer ours
        }
        final byte[] body;
        try {
            body = prepare(answer);
        } catch (IllegalStateException e) {
            abort(e); // committed after all: it can only be cut short
            return;
        }
        sink.write(body, 0, body.length, Callback.from(() -> sink.finish(this::complete), failure -> complete()));
    }

    @Override
    public void abort(Throwable failure) {
        if (!done.get()) {
            container.abort(request, response, failure);
        }
        complete();
    }

    @Override
    public void upgrade(ResponseHead head, TunnelConnection origin) {
        throw new IllegalStateException("a WebSocket is opened on the dispatching thread (BlockingServletClient)");
    }

    private void complete() {
        if (done.compareAndSet(false, true)) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // The container already completed the request after a client-side error.
            }
        }
    }

    /** The client went away: the attempt in flight is abandoned, and the request completed. */
    private void clientLeft(Throwable failure) {
        forwarding.clientFailed(failure);
        complete();
    }

    // ---- the container's notices about the client

    @Override
    public void onComplete(AsyncEvent event) {
        if (done.compareAndSet(false, true)) {
            forwarding.clientFailed(new IOException("request completed by the container"));
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        clientLeft(new IOException("async timeout"));
    }

    @Override
    public void onError(AsyncEvent event) {
        clientLeft(event.getThrowable() == null ? new IOException("client error") : event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
