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
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
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
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Forwards one Tomcat request through the shared upstream client, applying the same rules as the Jetty servlet
 * (common's {@link ServletForwarding} headers, {@link ProxyExchange} retries, failover and outcome reporting).
 *
 * <p><b>Async.</b> When the request is mapped to a webapp (Tomcat needs a Context for servlet async), the request
 * is put in async mode and nothing blocks a Tomcat thread: the request body is read with a {@link ReadListener}
 * into Jetty's {@link AsyncRequestContent} one buffer at a time (the next read waits until the upstream side took
 * the previous one), and the response is written with a {@link WriteListener}, demanding the next upstream chunk
 * only once the previous one was written. Each side follows the servlet hand-off rule: after {@code isReady()}
 * returned false only the container calls back, so the two threads never touch a stream at once.
 *
 * <p><b>Blocking fallback.</b> A request Tomcat mapped to no Context at all (a Host without webapps) cannot go
 * async; it is forwarded the same way with blocking streams while the valve's thread waits for completion.
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

        @Override
        public ClassLoader bind(ClassLoader originalClassLoader) {
            return null;
        }

        @Override
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

    /** Forwards the request; returns once async processing started, or, in blocking mode, once it finished. */
    void forward(Request request, Response response, RouteDecision.Forward forward) {
        final RequestBody body = ServletForwarding.requestBody(request, upstream.settings().replayBufferBytes());
        final ProxyExchange exchange = new ProxyExchange(forward, request.getMethod(), body);
        request.setAttribute(ProxyExchange.ATTRIBUTE, exchange);
        try {
            if (body != RequestBody.NONE) {
                // Tomcat sends "100 Continue" from StandardContextValve, which forwarded requests never reach: send
                // it here, at the connector-configured moment, or a client waiting for it never sends its body.
                response.sendAcknowledgement(ContinueResponseTiming.IMMEDIATELY);
            }
            start(request, response, exchange);
        } catch (RuntimeException e) {
            exchange.cancelled(); // decided but never sent: the outcome is still owed
            throw e;
        }
    }

    /** Async when Tomcat mapped a Context (servlet async needs one), else blocking on this thread. */
    private void start(Request request, Response response, ProxyExchange exchange) {
        if (request.getContext() == null) {
            final CountDownLatch done = new CountDownLatch(1);
            new Exchange(request, response, exchange, null, done::countDown).start();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.clientGone();
            }
            return;
        }
        request.setAsyncSupported(true);
        final AsyncContext async = request.startAsync();
        // Upstream timeouts bound the exchange; the container must not time it out on its own.
        async.setTimeout(0);
        final Exchange forwarding = new Exchange(request, response, exchange, async, async::complete);
        async.addListener(forwarding.clientWatch());
        forwarding.start();
    }

    /** One client request in flight: its body source, its response sink and its upstream attempts. */
    private final class Exchange implements org.eclipse.jetty.client.Response.Listener {

        private final Request request;
        private final Response response;
        private final ProxyExchange exchange;
        /** Null in blocking mode. */
        private final AsyncContext async;
        private final Runnable finished;
        private final AtomicBoolean done = new AtomicBoolean();
        /** The once-only body of a {@link RequestBody#STREAMED} request. */
        private org.eclipse.jetty.client.Request.Content streamed;
        private volatile ResponseSink sink;
        private volatile int upstreamStatus;
        /** The upstream request in flight, aborted when the client goes away. */
        private volatile org.eclipse.jetty.client.Request current;

        Exchange(Request request, Response response, ProxyExchange exchange, AsyncContext async, Runnable finished) {
            this.request = request;
            this.response = response;
            this.exchange = exchange;
            this.async = async;
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
                        if (async == null) {
                            streamed = new ClientBody(in, request.getContentLengthLong(), exchange,
                                    new ByteBufferPool.Sized(upstream.httpClient().getByteBufferPool()));
                        } else {
                            final AsyncRequestContent content = new AsyncRequestContent(NO_CONTENT_TYPE);
                            streamed = content;
                            in.setReadListener(new StreamedBody(in, content));
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
            if (async == null) {
                final byte[] body = in.readNBytes(length);
                if (body.length < length) {
                    abandon(new IOException("client sent " + body.length + " of " + length + " body bytes"));
                    return;
                }
                exchange.bufferedBody(body);
                send();
                return;
            }
            in.setReadListener(new BufferedBody(in, length));
        }

        /** Builds and sends the current attempt; also used for the stale-connection retry and the failover. */
        void send() {
            final org.eclipse.jetty.client.Request proxyRequest = upstream.newRequest(exchange.forward(),
                    request.getMethod(), request.getRequestURI(), request.getQueryString());
            ServletForwarding.copyRequestHeaders(request, exchange.forward(), proxyRequest);
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
            response.setStatus(upstreamResponse.getStatus());
            ServletForwarding.copyResponseHeaders(upstreamResponse, exchange.forward(), response);
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response upstreamResponse, Content.Chunk chunk,
                              Runnable demander) {
            final ByteBuffer buffer = chunk.getByteBuffer();
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            try {
                ResponseSink current = sink;
                if (current == null) {
                    current = async == null ? new BlockingSink(response.getOutputStream())
                            : new NonBlockingSink(response.getOutputStream(), upstreamResponse);
                    sink = current;
                }
                current.write(bytes, demander);
            } catch (IOException | RuntimeException e) {
                exchange.clientGone();
                upstreamResponse.abort(e);
            }
        }

        @Override
        public void onComplete(Result result) {
            if (result.isSucceeded()) {
                exchange.responded(result.getResponse().getStatus());
                final ResponseSink current = sink;
                if (current == null) {
                    finish();
                } else {
                    current.finish(this::finish);
                }
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
            if (exchange.isClientGone() || response.isCommitted() || sink != null) {
                abort(failure);
                return;
            }
            try {
                ServletForwarding.writeFailure(response, exchange.failure(), exchange.forward());
            } catch (IOException | IllegalStateException e) {
                LOG.debug("cannot write the failure answer", e);
            }
            finish();
        }

        /** The answer cannot be completed honestly: close the client connection instead of ending the response. */
        private void abort(Throwable failure) {
            response.getCoyoteResponse().action(ActionCode.CLOSE_NOW, failure);
            finish();
        }

        /** Ends the request without an answer: the attempt is reported cancelled and the client connection closed. */
        private void abandon(Throwable failure) {
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

        private void clientLeft(Throwable failure) {
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

        /** Writes a blocking response (no Context: the valve thread waits meanwhile). */
        private final class BlockingSink implements ResponseSink {

            private final ServletOutputStream out;

            BlockingSink(ServletOutputStream out) {
                this.out = out;
            }

            @Override
            public void write(byte[] bytes, Runnable demander) throws IOException {
                out.write(bytes);
                demander.run();
            }

            @Override
            public void finish(Runnable done) {
                done.run();
            }
        }

        /**
         * Writes the response without blocking. Installed on the first content chunk, it leaves the first write to
         * the container's initial {@code onWritePossible}, then writes each chunk when {@code isReady()} allows and
         * demands the next only after the write went through.
         */
        private final class NonBlockingSink implements ResponseSink, WriteListener {

            private final ServletOutputStream out;
            private final org.eclipse.jetty.client.Response upstreamResponse;
            private volatile byte[] pending;
            private volatile Runnable demand;
            private volatile Runnable completion;
            private volatile boolean listening;

            NonBlockingSink(ServletOutputStream out, org.eclipse.jetty.client.Response upstreamResponse) {
                this.out = out;
                this.upstreamResponse = upstreamResponse;
            }

            @Override
            public void write(byte[] bytes, Runnable demander) {
                pending = bytes;
                demand = demander;
                if (!listening) {
                    listening = true;
                    // The container makes the first onWritePossible call itself, on its own thread: writing here
                    // as well could write the chunk twice.
                    out.setWriteListener(this);
                    return;
                }
                drain();
            }

            @Override
            public void finish(Runnable done) {
                completion = done;
                drain();
            }

            @Override
            public void onWritePossible() {
                drain();
            }

            private void drain() {
                try {
                    if (!out.isReady()) {
                        return; // the container calls onWritePossible once the client took the data
                    }
                    final byte[] bytes = pending;
                    if (bytes != null) {
                        pending = null;
                        out.write(bytes);
                        if (!out.isReady()) {
                            return;
                        }
                    }
                    final Runnable next = demand;
                    if (next != null) {
                        demand = null;
                        next.run();
                        return;
                    }
                    final Runnable done = completion;
                    if (done != null) {
                        completion = null;
                        done.run();
                    }
                } catch (IOException | RuntimeException e) {
                    onError(e);
                }
            }

            @Override
            public void onError(Throwable failure) {
                exchange.clientGone();
                upstreamResponse.abort(failure);
            }
        }
    }

    /** A streamed body read with blocking calls on the upstream client's thread (blocking mode only). */
    private static final class ClientBody extends InputStreamRequestContent {

        private final long length;
        private final ProxyExchange exchange;

        ClientBody(ServletInputStream in, long length, ProxyExchange exchange, ByteBufferPool.Sized buffers) {
            super(NO_CONTENT_TYPE, in, buffers);
            this.length = length;
            this.exchange = exchange;
        }

        @Override
        public long getLength() {
            return length;
        }

        @Override
        public Content.Chunk read() {
            final Content.Chunk chunk = super.read();
            if (Content.Chunk.isFailure(chunk)) {
                exchange.clientGone(); // the client's failure, not the origin's
            }
            return chunk;
        }
    }

    /** Where response bytes go, in async or blocking mode. */
    private interface ResponseSink {

        /** Writes a chunk, then runs {@code demander} (possibly later) to ask for the next one. */
        void write(byte[] bytes, Runnable demander) throws IOException;

        /** Runs {@code done} once everything written has been handed to the container. */
        void finish(Runnable done);
    }
}
