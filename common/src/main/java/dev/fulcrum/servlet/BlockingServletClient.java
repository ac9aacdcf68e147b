package dev.fulcrum.servlet;

import dev.fulcrum.forwarding.Forwarding;
import dev.fulcrum.forwarding.OriginSide;
import dev.fulcrum.forwarding.ResponseHead;
import dev.fulcrum.forwarding.ThreadLoop;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.TunnelConnection;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;

/**
 * The client side of a request served on its dispatching thread, with the servlet API's blocking streams: a Tomcat
 * request mapped to no Context (which cannot go async), and every WebSocket handshake of a servlet host, whose
 * connection the container switches only during the request's own dispatch. The thread runs the exchange's
 * {@link ThreadLoop} until the exchange ends; the loop's callbacks only post to it, so none of them blocks. That wait
 * is bounded by the upstream timeouts (a handshake's by its total timeout), and an open WebSocket holds no thread:
 * its two ends are the origin's {@link TunnelConnection} and {@link ClientTunnel} (or the host's own connection).
 */
public final class BlockingServletClient extends ServletClient {

    /**
     * How a servlet host switches the client's connection once the 101 answer is set on {@code response}: it joins
     * the client's end to {@code origin} ({@link TunnelConnection#attach}) and the origin's end to the client's.
     */
    @FunctionalInterface
    public interface Upgrade {
        void upgrade(HttpServletRequest request, HttpServletResponse response, TunnelConnection origin)
                throws IOException, ServletException;
    }

    /** The servlet API's own upgrade ({@link ClientTunnel}), for requests dispatched to a servlet context. */
    public static final Upgrade SERVLET_UPGRADE = (request, response, origin) ->
            request.upgrade(ClientTunnel.class).connect(origin);

    private final ThreadLoop loop = new ThreadLoop();
    /** How the client's connection is switched to a tunnel; null unless this is a WebSocket handshake. */
    private final Upgrade upgrade;
    /** Each chunk of the answer is flushed ({@link #streaming}); on this thread only. */
    private boolean flushEach;

    private BlockingServletClient(HttpServletRequest request, HttpServletResponse response,
                                  ServletContainer container, Upgrade upgrade) {
        super(request, response, container);
        this.upgrade = upgrade;
    }

    /** Forwards {@code request} and returns once it is answered. */
    public static void forward(HttpServletRequest request, HttpServletResponse response, ServletContainer container,
                               RouteDecision.Forward decision, OriginSide origins) {
        final BlockingServletClient client = new BlockingServletClient(request, response, container, null);
        client.run(Forwarding.forward(decision, client, origins, client.loop));
    }

    /** Whether the request opens a WebSocket ({@link Forwarding#opensWebSocket}), which {@link #upgrade} serves. */
    public static boolean opensWebSocket(HttpServletRequest request) {
        final String upgrade = request.getHeader("Upgrade");
        // Most requests ask for no upgrade: their Connection values are not even listed.
        return upgrade != null && Forwarding.opensWebSocket(request.getMethod(), request.getProtocol(), upgrade,
                Collections.list(request.getHeaders("Connection")));
    }

    /**
     * Forwards a WebSocket handshake (RFC 6455 §4) and returns once it is answered: switched by {@code upgrade} (the
     * container then joins the connections), refused as the origin refused it, or failed with a 52x.
     */
    public static void upgrade(HttpServletRequest request, HttpServletResponse response, ServletContainer container,
                               RouteDecision.Forward decision, OriginSide origins, Upgrade upgrade) {
        final BlockingServletClient client = new BlockingServletClient(request, response, container, upgrade);
        client.run(Forwarding.upgrade(decision, client, origins, client.loop));
    }

    private void run(Forwarding started) {
        try {
            // A client-side step that throws ends the exchange: the attempt in flight is abandoned.
            loop.run(failure -> {
                started.clientFailed(failure);
                abort(failure);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.end(); // what the loop still posts is dropped (or, for a tunnel, closed), never left waiting
            started.abandon(e);
        }
    }

    // ---- body (read on this thread; a streamed one by LoopedBodyReader)

    @Override
    public void readBody(int length) {
        final byte[] body;
        try {
            container.beforeReading(request, response);
            body = request.getInputStream().readNBytes(length);
        } catch (IOException | RuntimeException e) {
            forwarding.bodyFailed(e);
            return;
        }
        if (body.length < length) {
            forwarding.bodyFailed(shortBody(body.length, length));
        } else {
            forwarding.bodyRead(body);
        }
    }

    @Override
    void stream(ServletInputStream in, AsyncRequestContent streamed) {
        new LoopedBodyReader(in, streamed, loop).start();
    }

    // ---- answer (written on this thread)

    @Override
    void streaming() {
        flushEach = true;
    }

    @Override
    public void write(ByteBuffer bytes, Callback written) {
        try {
            trailing();
            final ServletOutputStream out = response.getOutputStream();
            writeChunk(out, bytes);
            if (flushEach) {
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            written.failed(e);
            return;
        }
        written.succeeded();
    }

    @Override
    public void finish(HttpFields trailers) {
        keepTrailers(trailers);
        loop.end();
    }

    @Override
    public void answer(DirectAnswer answer) {
        try {
            response.getOutputStream().write(prepare(answer));
        } catch (IllegalStateException e) {
            container.abort(request, response, e); // committed after all: it can only be cut short
        } catch (IOException e) {
            // The client is gone; nothing more to answer.
        }
        loop.end();
    }

    @Override
    public void abort(Throwable failure) {
        container.abort(request, response, failure);
        loop.end();
    }

    @Override
    public void upgrade(ResponseHead head, TunnelConnection origin) throws IOException, ServletException {
        if (upgrade == null) {
            throw new IllegalStateException("not a WebSocket handshake");
        }
        head(head);
        upgrade.upgrade(request, response, origin);
        loop.end();
    }
}
