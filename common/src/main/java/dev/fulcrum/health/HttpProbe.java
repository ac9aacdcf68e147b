package dev.fulcrum.health;

import dev.fulcrum.net.ConnectTo;
import dev.fulcrum.net.ConnectToResolver;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The http/https probe (spec §3.1) on a dedicated Jetty {@link HttpClient}.
 *
 * <p>The request URI names the Host value (so it is the TLS SNI and the name the certificate is verified against)
 * while the connection goes to the origin address: the request carries a {@link ConnectTo} tag that the client's
 * {@link ConnectToResolver} reads, as the upstream client's https requests do. Every probe sends
 * {@code Connection: close} and so opens a fresh connection: a probe then
 * measures connect + TLS + first response like a new client would, and no idle sockets are kept for thousands of
 * origins between intervals. At most the first 10 KB of the body are read; once the verdict is known the exchange
 * is aborted, so an endless body cannot turn into a timeout.
 */
final class HttpProbe implements Probe {

    static final int BODY_LIMIT = 10 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HttpProbe.class);

    private final HttpClient verifying;
    /** Made on first use: most configurations have no {@code allow_insecure} monitor (see {@link Probes}). */
    private final Supplier<HttpClient> insecure;
    private final Ticker ticker;

    HttpProbe(HttpClient verifying, Supplier<HttpClient> insecure, Ticker ticker) {
        this.verifying = verifying;
        this.insecure = insecure;
        this.ticker = ticker;
    }

    @Override
    public CompletableFuture<ProbeResult> attempt(ProbeTarget target) {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        final String uriHost = ConnectTo.uriHost(target.host());
        final URI uri;
        try {
            uri = URI.create(target.type() + "://" + uriHost + ':' + target.port() + target.path());
        } catch (IllegalArgumentException e) {
            result.complete(ProbeResult.fail(FailureReason.MONITOR_CONFIG_ERROR));
            return result;
        }
        final HttpClient client;
        try {
            client = target.allowInsecure() ? insecure.get() : verifying;
        } catch (IllegalStateException e) {
            // Stopping, or the trust-all client could not start: no connection was attempted.
            result.complete(ProbeResult.fail(Failures.classify(e, FailureReason.TCP_TIMEOUT)));
            return result;
        }
        final Exchange exchange = new Exchange(target, result, ticker.read());
        final Request request = client.newRequest(uri)
                .method(target.method())
                .tag(ConnectTo.of(uriHost, target.address(), target.host()))
                .timeout(target.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(target.followRedirects())
                .headers(headers -> {
                    for (final Map.Entry<String, List<String>> header : target.headers().entrySet()) {
                        for (final String value : header.getValue()) {
                            headers.add(header.getKey(), value);
                        }
                    }
                    headers.put(HttpHeader.HOST, target.host());
                    headers.put(HttpHeader.USER_AGENT, target.userAgent());
                    headers.put(HttpHeader.CONNECTION, "close");
                })
                .onRequestBegin(begun -> exchange.connected = true);
        try {
            request.send(exchange);
        } catch (RuntimeException e) {
            result.complete(ProbeResult.fail(Failures.classify(e, FailureReason.TCP_TIMEOUT)));
        }
        return result;
    }

    /** One probe exchange: decides once, on headers (code) or on body (expected_body), then aborts the rest. */
    private final class Exchange implements Response.Listener {

        private final ProbeTarget target;
        private final CompletableFuture<ProbeResult> result;
        private final long startNanos;
        private final byte[] body;
        private int bodyLength;
        private long headersNanos = -1;
        // Set by the request-begin callback: the connection (and TLS) is up, so a timeout is an HTTP timeout.
        volatile boolean connected;

        Exchange(ProbeTarget target, CompletableFuture<ProbeResult> result, long startNanos) {
            this.target = target;
            this.result = result;
            this.startNanos = startNanos;
            this.body = target.expectedBody() == null ? null : new byte[BODY_LIMIT];
        }

        @Override
        public void onHeaders(Response response) {
            headersNanos = ticker.read() - startNanos;
            final int status = response.getStatus();
            if (!target.expectedCodes().matches(status)) {
                decide(response, ProbeResult.fail(FailureReason.RESPONSE_CODE_MISMATCH, status));
            } else if (body == null) {
                decide(response, ProbeResult.pass(status, headersNanos));
            }
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (body == null || result.isDone()) {
                return;
            }
            final int n = Math.min(content.remaining(), BODY_LIMIT - bodyLength);
            content.get(body, bodyLength, n);
            bodyLength += n;
            if (bodyLength >= BODY_LIMIT || bodyMatches()) {
                decide(response, verdictOnBody(response.getStatus()));
            }
        }

        @Override
        public void onComplete(Result outcome) {
            if (result.isDone()) {
                return;
            }
            if (outcome.isFailed()) {
                final FailureReason timeout = connected ? FailureReason.HTTP_TIMEOUT : FailureReason.TCP_TIMEOUT;
                final int status = outcome.getResponse() == null ? 0 : outcome.getResponse().getStatus();
                if (LOG.isDebugEnabled()) {
                    LOG.debug("probe of " + target.address() + ':' + target.port() + " failed", outcome.getFailure());
                }
                result.complete(ProbeResult.fail(Failures.classify(outcome.getFailure(), timeout), status));
            } else {
                result.complete(verdictOnBody(outcome.getResponse().getStatus()));
            }
        }

        private ProbeResult verdictOnBody(int status) {
            if (body != null && !bodyMatches()) {
                return ProbeResult.fail(FailureReason.RESPONSE_BODY_MISMATCH, status);
            }
            return ProbeResult.pass(status, headersNanos >= 0 ? headersNanos : ticker.read() - startNanos);
        }

        private boolean bodyMatches() {
            // Case-insensitive substring of the first 10 KB (spec §3); a character cut at the limit cannot match.
            final String text = new String(body, 0, bodyLength, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            return text.contains(target.expectedBody().toLowerCase(Locale.ROOT));
        }

        private void decide(Response response, ProbeResult verdict) {
            if (result.complete(verdict)) {
                response.abort(Decided.INSTANCE);
            }
        }
    }

    /** The abort cause once a probe has its verdict; never reported. */
    private static final class Decided extends Exception {
        static final Decided INSTANCE = new Decided();

        private Decided() {
            super("probe verdict reached", null, false, false);
        }
    }
}
