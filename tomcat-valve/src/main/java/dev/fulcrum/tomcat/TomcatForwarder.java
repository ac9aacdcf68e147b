package dev.fulcrum.tomcat;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.servlet.ClientTunnel;
import dev.fulcrum.servlet.ServletForwarding;
import dev.fulcrum.servlet.WebSocketForwarding;
import dev.fulcrum.upstream.ProxyExchange;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.TunnelConnection;
import dev.fulcrum.upstream.UpstreamClient;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.coyote.ActionCode;
import org.apache.coyote.ContinueResponseTiming;
import org.apache.coyote.UpgradeToken;
import org.apache.tomcat.ContextBind;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Forwards one Tomcat request through the shared upstream client, applying the same rules as the Jetty servlet
 * (common's {@link ServletForwarding} headers, {@link ProxyExchange} retries, failover and outcome reporting).
 *
 * <p><b>Async.</b> When the request is mapped to a webapp (Tomcat needs a Context for servlet async), the request
 * is put in async mode and nothing blocks a Tomcat thread: the request body is read with a {@link ReadListener}
 * into Jetty's {@link AsyncRequestContent} one buffer at a time (the next read waits until the upstream side took
 * the previous one), and the response is written by a {@link NonBlockingSink}, demanding the next upstream chunk
 * only once the previous one was written.
 *
 * <p><b>Without a Context</b> (a Host without webapps) the request cannot go async; the valve's thread then waits
 * for the exchange and does its blocking reads and writes itself ({@link ValveThreadLoop}).
 *
 * <p>Either way the upstream client's callbacks never block, so they may run on its selector threads
 * ({@code UpstreamSettings#nonBlocking}).
 *
 * <p>Thread safety: stateless apart from the shared client; per-request state lives in {@link Exchange}.
 */
final class TomcatForwarder {

    private static final Log LOG = LogFactory.getLog(TomcatForwarder.class);
    // Bodies carry the client's Content-Type header (or none); the content object must not invent one.
    private static final String NO_CONTENT_TYPE = null;
    private static final int READ_BUFFER = 16 * 1024;

    private final UpstreamClient upstream;

    TomcatForwarder(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /**
     * Opens a WebSocket through the origin ({@link WebSocketForwarding}). A request mapped to a webapp upgrades
     * through the servlet API; one mapped to no Context (whose {@code upgrade} needs the Context's instance
     * manager) is handed to the connector directly, as Tomcat itself does for its internal upgrades.
     */
    void openWebSocket(Request request, Response response, RouteDecision.Forward forward) throws IOException {
        WebSocketForwarding.forward(request, response, forward, upstream,
                request.getContext() != null ? WebSocketForwarding.SERVLET_UPGRADE : TomcatForwarder::upgradeBare);
    }

    private static void upgradeBare(HttpServletRequest request, HttpServletResponse response,
                                    TunnelConnection origin) {
        final ClientTunnel tunnel = new ClientTunnel();
        tunnel.connect(origin);
        // No instance manager: the connector then calls destroy directly. The context binding is required by the
        // upgraded streams' callbacks; with no context there is no class loader to switch to.
        ((Request) request).getCoyoteRequest().action(ActionCode.UPGRADE,
                new UpgradeToken(tunnel, NoContextBind.INSTANCE, null, "websocket"));
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
    }

    /** The class-loader binding of a request mapped to no Context: there is nothing to bind. */
    private enum NoContextBind implements ContextBind {
        INSTANCE;

        // Tomcat 11's signatures. No @Override: Tomcat 10.1's ContextBind lacks them, and the valve's sources must
        // also compile against 10.1 (ValveCompilesAgainstEachTomcatIT).
        public ClassLoader bind(ClassLoader originalClassLoader) {
            return null;
        }

        public void unbind(ClassLoader originalClassLoader) {
        }

        // The Tomcat 10.1 signatures, kept so the valve loads in both.
        @Override
        public ClassLoader bind(boolean usePrivilegedAction, ClassLoader originalClassLoader) {
            return null;
        }

        @Override
        public void unbind(boolean usePrivilegedAction, ClassLoader originalClassLoader) {
        }
    }

    /** Forwards the request; returns once async processing started, or, without a Context, once it finished. */
    void forward(Request request, Response response, RouteDecision.Forward forward) throws IOException {
        final RequestBody body = ServletForwarding.requestBody(request, upstream.settings().replayBufferBytes());
        final ProxyExchange exchange = new ProxyExchange(forward, request.getMethod(), body);
        request.setAttribute(ProxyExchange.ATTRIBUTE, exchange);
        try {
            if (body != RequestBody.NONE) {
                // Tomcat sends "100 Continue" from StandardContextValve, which forwarded requests never reach: send
                // it here, at the connector-configured moment, or a client waiting for it never sends its body.
                response.sendAcknowledgement(ContinueResponseTiming.IMMEDIATELY);
            }
            if (request.getContext() == null) {
                forwardOnThisThread(request, response, exchange);
            } else {
                forwardAsync(request, response, exchange);
            }
        } catch (IOException | RuntimeException e) {
            exchange.cancelled(); // decided but never sent: the outcome is still owed
            throw e;
        }
    }

    /** Servlet async (it needs a Context): no Tomcat thread waits for the origin. */
    private void forwardAsync(Request request, Response response, ProxyExchange exchange) throws IOException {
        request.setAsyncSupported(true);
        final AsyncContext async = request.startAsync();
        // Upstream timeouts bound the exchange; the container must not time it out on its own.
        async.setTimeout(0);
        final Exchange forwarding = new Exchange(request, response, exchange, null, async::complete);
        async.addListener(forwarding.clientWatch());
        ((NonBlockingSink) forwarding.sink).listen();
        forwarding.start();
    }

    /** No Context, no async: this thread waits for the exchange and does its blocking writes and reads. */
    private void forwardOnThisThread(Request request, Response response, ProxyExchange exchange)
            throws IOException {
        final ValveThreadLoop loop = new ValveThreadLoop();
        final Exchange forwarding = new Exchange(request, response, exchange, loop, loop::end);
        forwarding.start();
        try {
            loop.run(forwarding::abandon);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forwarding.clientLeft(e);
            // The aborted attempt's completion would report it, but nothing runs the loop any more.
            exchange.cancelled();
        }
    }

    /**
     * One client request in flight: its body source, its response sink and its upstream attempts. The upstream
     * client's callbacks never block: without a Context they post their work to the valve thread's loop.
     */
    private final class Exchange implements org.eclipse.jetty.client.Response.Listener {

        private final Request request;
        private final Response response;
        private final ProxyExchange exchange;
        private final ResponseSink sink;
        /** The valve thread's loop, or null in async mode. */
        private final ValveThreadLoop loop;
        private final Runnable finished;
        private final AtomicBoolean done = new AtomicBoolean();
        /** The once-only body of a {@link RequestBody#STREAMED} request. */
        private AsyncRequestContent streamed;
        private volatile int upstreamStatus;
        /** The upstream request in flight, aborted when the client goes away. */
        private volatile org.eclipse.jetty.client.Request current;

        Exchange(Request request, Response response, ProxyExchange exchange, ValveThreadLoop loop, Runnable finished)
                throws IOException {
            this.request = request;
            this.response = response;
            this.exchange = exchange;
            this.loop = loop;
            this.sink = loop == null ? new NonBlockingSink(response.getOutputStream(), this::clientLeft)
                    : new BlockingSink(response);
            this.finished = finished;
        }

        /** Starts reading the body as its kind requires, then sends; failures here still end the exchange. */
        void start() {
            try {
                switch (exchange.body()) {
                    case NONE -> send();
                    case BUFFERED -> readBuffered();
                    case STREAMED -> {
                        final ServletInputStream in = request.getInputStream();
                        streamed = new AsyncRequestContent(NO_CONTENT_TYPE);
                        if (loop == null) {
                            in.setReadListener(new StreamedBody(in, streamed));
                        } else {
                            loop.execute(new LoopedBody(in, streamed)::read);
                        }
                        send();
                    }
                }
            } catch (IOException | RuntimeException e) {
                abandon(e);
            }
        }

        private void readBuffered() throws IOException {
            final int length = (int) request.getContentLengthLong();
            final ServletInputStream in = request.getInputStream();
            if (loop == null) {
                in.setReadListener(new BufferedBody(in, length));
                return;
            }
            final byte[] body = in.readNBytes(length);
            if (body.length < length) {
                abandon(new IOException("client sent " + body.length + " of " + length + " body bytes"));
                return;
            }
            exchange.bufferedBody(body);
            send();
        }

        /** Builds and sends the current attempt; also used for the stale-connection retry and the failover. */
        void send() {
            final org.eclipse.jetty.client.Request proxyRequest = upstream.newRequest(exchange.forward(),
                    request.getMethod(), request.getRequestURI(), request.getQueryString());
            OriginHeaders.copy(request, exchange.forward(), proxyRequest);
            upstreamStatus = 0;
            current = proxyRequest;
            upstream.send(exchange, proxyRequest, streamed, this);
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response upstreamResponse) {
            upstreamStatus = upstreamResponse.getStatus();
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response upstreamResponse) {
            if (loop == null) {
                copyHead(upstreamResponse);
            } else {
                loop.execute(() -> copyHead(upstreamResponse));
            }
        }

        private void copyHead(org.eclipse.jetty.client.Response upstreamResponse) {
            response.setStatus(upstreamResponse.getStatus());
            ServletForwarding.copyResponseHeaders(upstreamResponse, exchange.forward(), response);
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response upstreamResponse, Content.Chunk chunk,
                              Runnable demander) {
            // Copied: the chunk's buffer goes back to the client's pool once this returns or demand runs.
            final ByteBuffer buffer = chunk.getByteBuffer();
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            if (loop == null) {
                write(upstreamResponse, bytes, demander);
            } else {
                loop.execute(() -> write(upstreamResponse, bytes, demander));
            }
        }

        private void write(org.eclipse.jetty.client.Response upstreamResponse, byte[] bytes, Runnable demander) {
            try {
                sink.write(bytes, demander);
            } catch (IOException | RuntimeException e) {
                exchange.clientGone();
                upstreamResponse.abort(e);
            }
        }

        @Override
        public void onComplete(Result result) {
            if (loop == null) {
                complete(result);
            } else {
                loop.execute(() -> complete(result));
            }
        }

        private void complete(Result result) {
            if (result.isSucceeded()) {
                exchange.responded(result.getResponse().getStatus());
                sink.finish(this::finish);
                return;
            }
            switch (exchange.failed(result.getFailure(), upstreamStatus, response.isCommitted())) {
                case RETRY_FRESH_CONNECTION, FAILOVER -> resend();
                case GIVE_UP -> giveUp(result.getFailure());
            }
        }

        private void resend() {
            try {
                send();
            } catch (RuntimeException e) {
                // Nothing was sent for this attempt: report it and close rather than leave the client waiting.
                LOG.warn("cannot resend " + request.getMethod() + ' ' + request.getRequestURI(), e);
                abandon(e);
            }
        }

        private void giveUp(Throwable failure) {
            if (done.get()) {
                return; // the client left and its request is completed: the response is no longer ours
            }
            if (exchange.isClientGone() || response.isCommitted() || sink.written()) {
                abort(failure);
                return;
            }
            final byte[] body;
            try {
                body = ServletForwarding.prepareFailure(response, exchange.failure(), exchange.forward());
            } catch (IllegalStateException e) {
                LOG.debug("cannot write the failure answer", e);
                abort(failure);
                return;
            }
            try {
                sink.write(body, () -> sink.finish(this::finish));
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot write the failure answer", e);
                finish();
            }
        }

        /** The answer cannot be completed honestly: close the client connection instead of ending the response. */
        private void abort(Throwable failure) {
            if (!done.get()) {
                response.getCoyoteResponse().action(ActionCode.CLOSE_NOW, failure);
            }
            finish();
        }

        /** Ends the request without an answer: the attempt is reported cancelled and the client connection closed. */
        void abandon(Throwable failure) {
            exchange.clientGone();
            exchange.cancelled();
            abort(failure);
        }

        private void finish() {
            if (done.compareAndSet(false, true)) {
                try {
                    finished.run();
                } catch (IllegalStateException e) {
                    // The container already completed the request after a client-side error.
                    LOG.debug("request already completed", e);
                }
            }
        }

        /**
         * Watches the client side of the async request: an I/O error, a timeout or a completion Fulcrum did not
         * ask for means the client went away, so the upstream request is abandoned and reported cancelled.
         */
        AsyncListener clientWatch() {
            return new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    if (done.compareAndSet(false, true)) {
                        clientLeft(new IOException("request completed by the container"));
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
            };
        }

        void clientLeft(Throwable failure) {
            exchange.clientGone();
            final org.eclipse.jetty.client.Request inFlight = current;
            if (inFlight != null) {
                inFlight.abort(failure); // its completion reports the attempt cancelled
            } else {
                exchange.cancelled();
            }
            // Completing here keeps Tomcat from an error dispatch of a request that is already answered.
            finish();
        }

        /** A large or chunked body, read without blocking and streamed to the origin once. */
        private final class StreamedBody implements ReadListener {

            private final ServletInputStream in;
            private final AsyncRequestContent streamed;
            private final byte[] buffer = new byte[READ_BUFFER];
            private final AtomicBoolean closed = new AtomicBoolean();

            StreamedBody(ServletInputStream in, AsyncRequestContent streamed) {
                this.in = in;
                this.streamed = streamed;
            }

            @Override
            public void onDataAvailable() throws IOException {
                if (!closed.get()) {
                    pump();
                }
            }

            /** Reads at most one buffer; the next read waits until the origin side consumed it. */
            private void pump() throws IOException {
                while (true) {
                    if (in.isFinished()) {
                        onAllDataRead();
                        return;
                    }
                    if (!in.isReady()) {
                        return; // the container calls onDataAvailable when more arrives
                    }
                    final int read = in.read(buffer);
                    if (read < 0) {
                        onAllDataRead();
                        return;
                    }
                    if (read > 0) {
                        // A failed write means the upstream side gave up (its own failure is reported there):
                        // stop reading, but do not blame the client.
                        streamed.write(ByteBuffer.wrap(Arrays.copyOf(buffer, read)),
                                Callback.from(this::resume, failure -> closed.set(true)));
                        return;
                    }
                }
            }

            private void resume() {
                if (closed.get()) {
                    return;
                }
                try {
                    pump();
                } catch (IOException | RuntimeException e) {
                    onError(e);
                }
            }

            @Override
            public void onAllDataRead() {
                if (closed.compareAndSet(false, true)) {
                    streamed.close();
                }
            }

            @Override
            public void onError(Throwable failure) {
                exchange.clientGone();
                if (closed.compareAndSet(false, true)) {
                    streamed.fail(failure);
                }
            }
        }

        /**
         * The same body read with blocking calls on the valve thread (no Context), one buffer at a time: the next
         * read is posted to the loop once the origin side consumed the previous buffer.
         */
        private final class LoopedBody {

            private final ServletInputStream in;
            private final AsyncRequestContent streamed;
            private final byte[] buffer = new byte[READ_BUFFER];

            LoopedBody(ServletInputStream in, AsyncRequestContent streamed) {
                this.in = in;
                this.streamed = streamed;
            }

            void read() {
                final int read;
                try {
                    read = in.read(buffer);
                } catch (IOException e) {
                    exchange.clientGone(); // the client's failure, not the origin's
                    streamed.fail(e);
                    return;
                }
                if (read < 0) {
                    streamed.close();
                    return;
                }
                // A failed write means the upstream side gave up and reports it: stop reading.
                streamed.write(ByteBuffer.wrap(Arrays.copyOf(buffer, read)),
                        Callback.from(() -> loop.execute(this::read), failure -> { }));
            }
        }

        /** A body within the replay limit, read without blocking into memory before the first send. */
        private final class BufferedBody implements ReadListener {

            private final ServletInputStream in;
            private final byte[] body;
            private int filled;
            private final AtomicBoolean complete = new AtomicBoolean();

            BufferedBody(ServletInputStream in, int length) {
                this.in = in;
                this.body = new byte[length];
            }

            @Override
            public void onDataAvailable() throws IOException {
                while (filled < body.length && in.isReady()) {
                    final int read = in.read(body, filled, body.length - filled);
                    if (read < 0) {
                        break;
                    }
                    filled += read;
                }
                if (filled == body.length) {
                    onAllDataRead();
                }
            }

            @Override
            public void onAllDataRead() {
                if (!complete.compareAndSet(false, true)) {
                    return;
                }
                if (filled < body.length) {
                    abandon(new IOException("client sent " + filled + " of " + body.length + " body bytes"));
                    return;
                }
                exchange.bufferedBody(body);
                send();
            }

            @Override
            public void onError(Throwable failure) {
                if (complete.compareAndSet(false, true)) {
                    abandon(failure);
                }
            }
        }
    }
}
