package dev.fulcrum.forwarding;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.ClientResponseHeaders;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.GrpcAnswers;
import dev.fulcrum.upstream.OriginRequestHeaders;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.TunnelConnection;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The forwarding loop: one client request on its way to its origins, the same for every host. It reads the body as
 * its kind requires ({@link RequestBody}), sends each attempt {@link Attempts} allows through the {@link OriginSide},
 * relays the origin's answer to the {@link ClientSide}, and reports one outcome per attempt. A host only routes the
 * request and hands the decision here with its client side.
 *
 * <p><b>Failures.</b> A failed attempt is retried on a fresh connection or failed over while nothing has reached the
 * client; otherwise the request is given up: answered with the failure's 52x ({@link DirectAnswer#failure}) while
 * nothing of the origin's body has been written, else the client connection is aborted, so that the client sees an
 * incomplete answer rather than a complete wrong one. An attempt that cannot even be sent (the upstream client refuses
 * to build it) is Fulcrum's failure, not the origin's: it is reported {@code CANCELLED} and, nothing having been
 * written, answered 502 ({@link DirectAnswer#notSent}); this holds for the first send and for every resend alike.
 *
 * <p><b>Nothing blocks.</b> A buffered body is read before the first send (so it can be sent again), a streamed one
 * is handed to the origin side as the client sends it, and each chunk of the origin's answer is written to the
 * client before the next one is demanded. The loop runs on whichever thread brought the event (container, upstream
 * selector); a host that may write only on its own thread gives a {@link ThreadLoop}, and every client-side call
 * except the request part is then posted there.
 *
 * <p><b>gRPC calls</b> ({@link GrpcAnswers#isCall}) from a host that sends trailers ({@link ClientSide#sendsTrailers})
 * go to their origins over HTTP/2, streamed both ways, with the origin's trailers passed on. Their failures become
 * gRPC's UNAVAILABLE (the outcome is still the 52x): a trailers-only answer before the origin answered, the
 * trailers that end the answer after it began. A call's streamed body fails over to another origin as long as no
 * attempt has read from it.
 *
 * <p><b>WebSocket handshakes</b> ({@link #upgrade}) go through the same attempts, failover and 52x answers; a 101
 * joins the client's connection to the origin's ({@link ClientSide#upgrade}).
 *
 * <p>Concurrency: see {@link Attempts}; the fields below follow the same hand-over from thread to thread, and
 * {@link #clientFailed} is the one call from anywhere. It implements the interfaces it is called through (origin
 * side, response head, the client's write callback) so that the loop costs one object per request, none per chunk;
 * there is no lock: each step hands over to the next through the container or the upstream client.
 */
public final class Forwarding extends Attempts implements OriginSide.Attempt, ResponseHead, Callback {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);

    private final ClientSide client;
    /** Where client-side calls run, or null: right where the loop is. */
    private final ThreadLoop clientThread;
    /** A WebSocket handshake. */
    private final boolean upgrade;
    /** A gRPC call: to the origin over HTTP/2, and its failures answered with gRPC's status. */
    private final boolean grpc;
    private final OriginSide.Exchange origin;
    /** The fully read body of a {@link RequestBody#BUFFERED} request, the same on every attempt. */
    private byte[] bufferedBody;
    /** The current attempt's answer: status and headers, set when its head arrived. */
    private int status;
    private HttpFields originHeaders;
    /** An attempt went to the origin side (for {@link #abandon}). */
    private boolean sent;
    /** A chunk of the origin's body went to the client: a failure can no longer be answered with a status. */
    private boolean committed;
    /** The chunk being written to the client, and the origin side's demand to run once it is. */
    private Content.Chunk writing;
    private Runnable demand;
    /**
     * {@link #WRITING} while a chunk is being written to the client, else null; or the end of the exchange, left
     * here by an origin that failed during that write, to run once the write is done: the client side takes one
     * call at a time, and a container ends a stream whose answer is ended during a pending write with a reset,
     * where a gRPC client is owed the call's status. Swapped atomically: the origin fails on the upstream client's
     * thread while the write completes on the container's.
     */
    @SuppressWarnings("unused") // through AFTER_WRITE
    private volatile Runnable afterWrite;

    private static final Runnable WRITING = () -> { };
    private static final VarHandle AFTER_WRITE;

    static {
        try {
            AFTER_WRITE = MethodHandles.lookup().findVarHandle(Forwarding.class, "afterWrite", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Forwarding(RouteDecision.Forward decision, ClientSide client, OriginSide origins, ThreadLoop clientThread,
                       boolean upgrade) {
        super(decision, client.method(), upgrade ? RequestBody.NONE : RequestBody.classify(client.method(),
                client.protocol(), client.contentLength(), client.header("Transfer-Encoding") != null,
                origins.replayLimit()));
        this.client = client;
        this.clientThread = clientThread;
        this.upgrade = upgrade;
        this.grpc = !upgrade && client.sendsTrailers()
                    && GrpcAnswers.isCall(client.protocol(), client.header("Content-Type"));
        this.origin = origins.open(this);
    }

    /**
     * Forwards a request whose client side may be called from any thread.
     *
     * @throws RuntimeException if the client side could not start (reported cancelled; nothing was sent)
     */
    public static Forwarding forward(RouteDecision.Forward decision, ClientSide client, OriginSide origins) {
        return forward(decision, client, origins, null);
    }

    /**
     * Forwards a request whose client side runs on {@code clientThread}; the caller then runs that loop until the
     * exchange ends.
     */
    public static Forwarding forward(RouteDecision.Forward decision, ClientSide client, OriginSide origins,
                                     ThreadLoop clientThread) {
        final Forwarding forwarding = new Forwarding(decision, client, origins, clientThread, false);
        forwarding.start();
        return forwarding;
    }

    /**
     * Forwards a WebSocket opening handshake (RFC 6455 §4): the request carries this hop's {@code Connection: Upgrade}
     * and the client's {@code Upgrade}; a 101 ends in {@link ClientSide#upgrade}, any other answer is relayed.
     *
     * @param clientThread where client-side calls run, or null for any thread
     */
    public static Forwarding upgrade(RouteDecision.Forward decision, ClientSide client, OriginSide origins,
                                     ThreadLoop clientThread) {
        final Forwarding forwarding = new Forwarding(decision, client, origins, clientThread, true);
        forwarding.start();
        return forwarding;
    }

    /**
     * Whether a request opens a WebSocket (RFC 6455 §4.1): a GET over HTTP/1.1 with {@code Upgrade: websocket} and
     * {@code upgrade} among its {@code Connection} tokens. Only these are tunnelled ({@link #upgrade}) [G: the
     * protocol Cloudflare proxies]; other upgrades (h2c, TLS) are forwarded as plain requests without their
     * hop-by-hop headers.
     */
    public static boolean opensWebSocket(String method, String protocol, String upgrade, Iterable<String> connection) {
        if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade.trim()) || !"GET".equals(method)
            || !"HTTP/1.1".equals(protocol)) {
            return false;
        }
        for (String value : connection) {
            for (String token : value.split(",")) {
                if ("upgrade".equalsIgnoreCase(token.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    private void start() {
        try {
            client.start(this);
            if (body() == RequestBody.BUFFERED) {
                // At most the replay limit (classified so).
                final int length = (int) client.contentLength();
                if (clientThread == null) {
                    client.readBody(length);
                } else if (!clientThread.offer(() -> client.readBody(length))) {
                    cancelled();
                }
            } else {
                send();
            }
        } catch (RuntimeException e) {
            cancelled(); // decided but never sent: the outcome is still owed
            throw e;
        }
    }

    // ---- events from the client side ---------------------------------------------------------------------------

    /** The client went away (connection failed or closed, container timeout): the attempt in flight is abandoned. */
    public void clientFailed(Throwable failure) {
        clientGone();
        origin.abort(failure); // its completion reports the attempt cancelled and ends the exchange
    }

    /**
     * The host stops serving the exchange (the thread running its {@link ThreadLoop} was interrupted): the attempt in
     * flight is abandoned, and its completion reports it cancelled; nothing sent yet is reported cancelled now. On
     * the thread that started the loop.
     */
    public void abandon(Throwable failure) {
        clientGone();
        if (sent) {
            origin.abort(failure);
        } else {
            cancelled();
        }
    }

    /** The buffered body arrived whole ({@link ClientSide#readBody}). */
    public void bodyRead(byte[] body) {
        bufferedBody = body;
        send();
    }

    /** The buffered body could not be read: the client failed before anything was sent. */
    public void bodyFailed(Throwable failure) {
        clientGone();
        cancelled();
        abortClient(failure);
    }

    // ---- sending -----------------------------------------------------------------------------------------------

    /** Sends the current attempt: the first, the stale-connection retry and the failover alike. */
    private void send() {
        status = 0;
        originHeaders = null;
        sent = true;
        try {
            begin();
            origin.send();
        } catch (RuntimeException e) {
            LOG.warn("cannot send {} {} to {}", method(), client.rawPath(), forward(), e);
            cancelled();
            if (isClientGone()) {
                abortClient(e);
            } else {
                answerClient(DirectAnswer.notSent(forward()));
            }
        }
    }

    @Override
    public String rawPath() {
        return client.rawPath();
    }

    @Override
    public String rawQuery() {
        return client.rawQuery();
    }

    @Override
    public void requestHeaders(HttpFields.Mutable headers) {
        final OriginRequestHeaders rules = OriginRequestHeaders.of(forward(), client.headerValues("Connection"));
        client.copyHeaders(rules, headers);
        rules.addDecisionHeaders(headers);
        if (grpc) {
            // This hop's own (TE is hop-by-hop): gRPC servers expect it from a peer that passes trailers, as we do.
            headers.put(HttpHeader.TE, "trailers");
        }
        if (upgrade) {
            // The hop-by-hop pair that asks for the switch is this hop's own.
            headers.put(HttpHeader.CONNECTION, "Upgrade").put(HttpHeader.UPGRADE, client.header("Upgrade"));
        }
    }

    @Override
    public byte[] bufferedBody() {
        return bufferedBody;
    }

    @Override
    public Content.Source streamedBody() {
        return body() == RequestBody.STREAMED ? client.body() : null;
    }

    @Override
    public boolean http2() {
        return grpc;
    }

    @Override
    public boolean upgrade() {
        return upgrade;
    }

    // ---- the origin's answer -----------------------------------------------------------------------------------

    @Override
    public void originHead(int status, HttpFields headers) {
        this.status = status;
        this.originHeaders = headers;
        if (clientThread == null) {
            client.head(this);
        } else {
            clientThread.offer(() -> client.head(this));
        }
    }

    @Override
    public void originContent(Content.Chunk chunk, Runnable demand) {
        // The client's connection holds the buffer until written; the next chunk is demanded only then.
        chunk.retain();
        writing = chunk;
        this.demand = demand;
        committed = true;
        afterWrite = WRITING;
        if (clientThread == null) {
            client.write(chunk.getByteBuffer(), this);
        } else if (!clientThread.offer(() -> client.write(chunk.getByteBuffer(), this))) {
            failed(new IllegalStateException("the exchange already ended"));
        }
    }

    /** A chunk went to the client: on to the next. */
    @Override
    public void succeeded() {
        final Content.Chunk written = writing;
        final Runnable next = demand;
        writing = null;
        demand = null;
        written.release();
        final Runnable end = (Runnable) AFTER_WRITE.getAndSet(this, null);
        if (end != WRITING && end != null) {
            end.run(); // the origin failed meanwhile: it has nothing more to give
        } else {
            next.run();
        }
    }

    /** A chunk could not be written: the client is gone. */
    @Override
    public void failed(Throwable failure) {
        final Content.Chunk written = writing;
        writing = null;
        demand = null;
        if (written != null) {
            written.release();
        }
        final Runnable end = (Runnable) AFTER_WRITE.getAndSet(this, null);
        if (end != WRITING && end != null) {
            abortClient(failure); // the origin failed too, and was reported: only the client side is left to end
        } else {
            clientFailed(failure);
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public void originComplete(HttpFields trailers) {
        responded(status);
        finishClient(trailers);
    }

    private void finishClient(HttpFields trailers) {
        if (clientThread == null) {
            client.finish(trailers);
        } else {
            clientThread.offer(() -> client.finish(trailers));
        }
    }

    @Override
    public void originFailed(Throwable cause, int status) {
        // A gRPC call's streamed body may go to another origin while no attempt has read from it.
        final boolean resendable = body().replayable()
                                   || grpc && body() == RequestBody.STREAMED && origin.streamedBodyUntouched();
        switch (failed(cause, status, committed, resendable)) {
            case RETRY_FRESH_CONNECTION, FAILOVER -> send();
            case GIVE_UP -> {
                if (isClientGone() || committed && !grpc) {
                    abortClient(cause);
                } else if (committed) {
                    // The call's status is what its client reads: the answer ends with UNAVAILABLE, not a reset,
                    // once the chunk being written (if any) went through.
                    final HttpFields trailers = GrpcAnswers.cutShort(failure().status());
                    afterWrite(() -> finishClient(trailers));
                } else {
                    answerClient(DirectAnswer.failure(failure(), forward()));
                }
            }
        }
    }

    /** Runs {@code end} once the chunk being written to the client is done, or now if none is. */
    private void afterWrite(Runnable end) {
        if (!AFTER_WRITE.compareAndSet(this, WRITING, end)) {
            end.run();
        }
    }

    @Override
    public void originSwitched(HttpFields headers, TunnelConnection tunnel) {
        this.status = 101;
        this.originHeaders = headers;
        responded(101);
        if (clientThread == null) {
            switchClient(tunnel);
        } else if (!clientThread.offer(() -> switchClient(tunnel))) {
            tunnel.close(null); // the client side is gone already
        }
    }

    private void switchClient(TunnelConnection tunnel) {
        try {
            client.upgrade(this, tunnel);
        } catch (Exception e) {
            LOG.debug("cannot switch the client connection", e);
            tunnel.close(e);
            client.answer(DirectAnswer.notSent(forward()));
        }
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public void headers(ClientResponseHeaders.Target target) {
        ClientResponseHeaders.copy(originHeaders, forward(), target);
        if (upgrade && status == 101) {
            // Sec-WebSocket-* pass as end-to-end headers; the hop-by-hop pair that performs the switch is ours.
            target.set("Connection", "Upgrade");
            target.set("Upgrade", originHeaders.get(HttpHeader.UPGRADE));
        }
    }

    // ---- ending ------------------------------------------------------------------------------------------------

    private void answerClient(DirectAnswer failure) {
        final DirectAnswer answer = grpc ? GrpcAnswers.unavailable(failure) : failure;
        if (clientThread == null) {
            client.answer(answer);
        } else {
            clientThread.offer(() -> client.answer(answer));
        }
    }

    private void abortClient(Throwable failure) {
        if (clientThread == null) {
            client.abort(failure);
        } else {
            clientThread.offer(() -> client.abort(failure));
        }
    }
}
