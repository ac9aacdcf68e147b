package dev.fulcrum.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.tls.Pem;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The HTTP side of {@link EtcdClient}: one JSON POST per call to the gateway of one member, failing over to the next
 * member when one cannot be reached, with the authentication token in the {@code Authorization} header.
 *
 * <p>Failover: calls go to the member that answered last; a member that cannot be reached, or that answers
 * "unavailable" (no leader, stopping), makes the call move on to the next one, and the one that answers becomes the
 * preferred member. A write that reached a member whose answer then never came is not sent again: it may have been
 * applied, and only the caller can tell (see {@link EtcdException.Outcome#MAYBE_APPLIED}).
 *
 * <p>Thread safety: safe for concurrent calls.
 */
final class Gateway implements AutoCloseable {

    /** gRPC status codes etcd's gateway reports. */
    static final int CODE_INVALID_ARGUMENT = 3;
    static final int CODE_UNAVAILABLE = 14;
    static final int CODE_UNAUTHENTICATED = 16;

    /** Largest answer read into memory: a range page is kept far below this by its limit. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final EtcdSettings settings;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private final List<URI> endpoints;
    private final AtomicInteger preferred = new AtomicInteger();
    private final Auth auth;

    Gateway(EtcdSettings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
        this.endpoints = settings.endpoints();
        final QueuedThreadPool threads = new QueuedThreadPool(16, 1);
        threads.setName("fulcrum-etcd");
        threads.setDaemon(true);
        final ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(threads);
        connector.setConnectTimeout(min(settings.requestTimeout(), Duration.ofSeconds(2)));
        if (endpoints.get(0).getScheme().equals("https")) {
            connector.setSslContextFactory(tls(settings));
        }
        http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        http.setFollowRedirects(false);
        http.setMaxConnectionsPerDestination(64);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the etcd HTTP client: " + e.getMessage(), e);
        }
        // etcd answers an expired token with a bare 401: the client's WWW-Authenticate handling (installed by
        // start) would turn that into a protocol error, while the JSON body says what happened.
        http.getProtocolHandlers().clear();
        auth = settings.user() == null ? null : new Auth(settings, this);
    }

    /**
     * POSTs {@code body} to {@code path} on the preferred member, failing over as the class describes.
     *
     * @param idempotent true for reads (and writes that may safely run twice): sent again to the next member even
     *                   after a member received it and failed to answer
     */
    JsonNode call(String path, ObjectNode body, boolean idempotent) {
        final byte[] bytes = write(body);
        return failingOver(endpoint -> callOne(endpoint, path, bytes, idempotent, true));
    }

    /**
     * {@code attempt} on the preferred member, then on each next one while the members cannot be reached; the
     * member that answers becomes the preferred one. Any other failure (a refusal, an answer lost) ends the call.
     */
    private <T> T failingOver(Function<URI, T> attempt) {
        EtcdException last = null;
        final int start = preferred.get();
        for (int i = 0; i < endpoints.size(); i++) {
            final int index = (start + i) % endpoints.size();
            try {
                final T result = attempt.apply(endpoints.get(index));
                preferred.compareAndSet(start, index);
                return result;
            } catch (EtcdException e) {
                if (e.outcome() != EtcdException.Outcome.UNREACHABLE) {
                    throw e;
                }
                last = e;
                LOG.debug("etcd member " + endpoints.get(index) + " unavailable: "
                        + e.getMessage());
            }
        }
        throw EtcdException.unreachable("no etcd member answered (" + endpoints + "): "
                + (last == null ? "" : last.getMessage()), last);
    }

    /** One call to {@code endpoint} only, without a token (authentication itself); safe to repeat. */
    JsonNode callOnly(URI endpoint, String path, ObjectNode body) {
        return callOne(endpoint, path, write(body), true, false);
    }

    /** One attempt on one member; {@code retryAuth} allows one new token when etcd refuses the current one. */
    private JsonNode callOne(URI endpoint, String path, byte[] body, boolean idempotent, boolean retryAuth) {
        final String token = auth == null || path.equals(Auth.PATH) ? null : auth.token(endpoint);
        final Request request = http.newRequest(endpoint.resolve(path)).method(HttpMethod.POST)
                .timeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/json", body));
        if (token != null) {
            request.headers(h -> h.put("Authorization", token));
        }
        final ContentResponse response;
        try {
            response = new CompletableResponseListener(request, MAX_RESPONSE_BYTES).send()
                    .get(settings.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EtcdException.maybeApplied("interrupted while waiting for etcd at " + endpoint, e);
        } catch (ExecutionException | TimeoutException e) {
            final Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (notSent(cause)) {
                throw EtcdException.unreachable(endpoint + ": " + describe(cause), cause);
            }
            if (token != null && isTimeout(cause)) {
                // etcd 3.4's gateway retries a request with an expired token until the deadline instead of
                // refusing it: a silent timeout with a token is most likely that, so the next call gets a new one.
                auth.invalidate(token);
                if (idempotent && retryAuth) {
                    return callOne(endpoint, path, body, true, false);
                }
            }
            if (idempotent) {
                throw EtcdException.unreachable(endpoint + ": " + describe(cause), cause);
            }
            throw EtcdException.maybeApplied(endpoint + ": no answer to " + path + " (" + describe(cause) + ")",
                    cause);
        }
        final JsonNode answer = parse(endpoint, response.getContent());
        if (response.getStatus() == 200 && !answer.has("error") && !answer.has("code")) {
            return answer;
        }
        final int code = answer.path("code").asInt(answer.path("error").path("grpc_code").asInt(-1));
        final String message = errorMessage(answer, response.getStatus());
        if (auth != null && token != null && retryAuth && (code == CODE_UNAUTHENTICATED
                || message.contains("invalid auth token") || message.contains("user name is empty"))) {
            auth.invalidate(token);
            return callOne(endpoint, path, body, idempotent, false);
        }
        if (code == CODE_UNAVAILABLE || response.getStatus() == 503 || response.getStatus() == 502) {
            if (idempotent || message.contains("no leader") || message.contains("not capable")) {
                throw EtcdException.unreachable(endpoint + ": " + message, null);
            }
            // e.g. "request timed out": the proposal may still be committed.
            throw EtcdException.maybeApplied(endpoint + ": " + message, null);
        }
        throw EtcdException.refused(code, "etcd at " + endpoint + " refused " + path + ": " + message);
    }

    /**
     * Opens a watch stream on the preferred member (failing over like {@link #call}); the caller reads its
     * messages and closes it. No total timeout: a watch lasts until it is closed or its member goes away.
     */
    Stream stream(String path, ObjectNode body, Duration idleTimeout) {
        final byte[] bytes = write(body);
        return failingOver(endpoint -> streamOne(endpoint, path, bytes, idleTimeout));
    }

    private Stream streamOne(URI endpoint, String path, byte[] body, Duration idleTimeout) {
        final String token = auth == null ? null : auth.token(endpoint);
        final Request request = http.newRequest(endpoint.resolve(path)).method(HttpMethod.POST)
                .idleTimeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/json", body));
        request.headers(h -> {
            if (token != null) {
                h.put("Authorization", token);
            }
            // etcd cancels a watch whose member has lost its leader instead of leaving it silent (client-go's
            // WithRequireLeader; the gateway forwards Grpc-Metadata-* headers as gRPC metadata).
            h.put("Grpc-Metadata-Hasleader", "true");
        });
        final InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        final Response response;
        try {
            response = listener.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw EtcdException.unreachable("interrupted while opening a watch on " + endpoint, e);
        } catch (ExecutionException | TimeoutException e) {
            request.abort(e);
            final Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (token != null && isTimeout(cause)) {
                auth.invalidate(token);
            }
            throw EtcdException.unreachable(endpoint + ": " + describe(cause), cause);
        }
        final InputStream in = listener.getInputStream();
        if (response.getStatus() != 200) {
            final String message;
            try (in) {
                message = errorMessage(parse(endpoint, in.readNBytes(64 * 1024)), response.getStatus());
            } catch (IOException e) {
                throw EtcdException.unreachable(endpoint + ": " + describe(e), e);
            }
            throw EtcdException.refused(-1, "etcd at " + endpoint + " refused " + path + ": " + message);
        }
        return new Stream(endpoint, request, in, token);
    }

    /** An open streaming answer: successive JSON values from one member. */
    final class Stream implements AutoCloseable {
        final URI endpoint;
        private final Request request;
        final InputStream body;
        private final String token;

        Stream(URI endpoint, Request request, InputStream body, String token) {
            this.endpoint = endpoint;
            this.request = request;
            this.body = body;
            this.token = token;
        }

        /** The stream was refused for its token: the next one gets a new token. */
        void tokenRefused() {
            if (auth != null && token != null) {
                auth.invalidate(token);
            }
        }

        @Override
        public void close() {
            request.abort(new IOException("watch closed"));
            try {
                body.close();
            } catch (IOException ignored) {
                // aborted anyway
            }
        }
    }

    /** The member calls prefer at the moment (for logs and tests). */
    URI preferredEndpoint() {
        return endpoints.get(preferred.get());
    }

    /** Moves the preference past {@code endpoint}, after the caller saw it fail outside a call. */
    void avoid(URI endpoint) {
        final int index = endpoints.indexOf(endpoint);
        if (index >= 0) {
            preferred.compareAndSet(index, (index + 1) % endpoints.size());
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    EtcdSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("stopping the etcd HTTP client: " + e);
        }
    }

    private byte[] write(ObjectNode body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON request", e);
        }
    }

    private JsonNode parse(URI endpoint, byte[] content) {
        try {
            final JsonNode node = mapper.readTree(content);
            if (node == null || !node.isObject()) {
                throw EtcdException.unreachable(endpoint + " did not answer with a JSON object (not an etcd "
                        + "member?)", null);
            }
            return node;
        } catch (IOException e) {
            throw EtcdException.unreachable(endpoint + " did not answer with JSON (not an etcd member?): "
                    + e.getMessage(), e);
        }
    }

    private static String errorMessage(JsonNode answer, int status) {
        final JsonNode error = answer.get("error");
        if (error != null && error.isObject()) {
            return error.path("message").asText("HTTP " + status);
        }
        return answer.path("message").asText(error == null ? "HTTP " + status : error.asText());
    }

    /** True when the failure happened before the request could reach the member. */
    private static boolean notSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException || t instanceof UnresolvedAddressException
                    || t instanceof SSLException
                    || (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).contains("Connect"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        final String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    /** TLS from the settings' PEM files: the CA replaces the JVM's trust, the client key and chain are offered. */
    private static SslContextFactory.Client tls(EtcdSettings settings) {
        final SslContextFactory.Client tls = new SslContextFactory.Client();
        try {
            if (settings.caFile() != null) {
                final KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (X509Certificate ca : pem(settings.caFile(), Pem::certificates, "CERTIFICATE")) {
                    trust.setCertificateEntry("etcd-ca-" + i++, ca);
                }
                tls.setTrustStore(trust);
            }
            if (settings.certFile() != null) {
                final char[] password = "fulcrum".toCharArray();
                final KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("etcd-client", pem(settings.keyFile(), Pem::privateKey, "PRIVATE KEY"), password,
                        pem(settings.certFile(), Pem::certificates, "CERTIFICATE").toArray(new X509Certificate[0]));
                tls.setKeyStore(keys);
                tls.setKeyStorePassword("fulcrum");
                tls.setKeyManagerPassword("fulcrum");
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("etcd TLS files cannot be used: " + e.getMessage(), e);
        }
        return tls;
    }

    /** What {@code read} finds in one of the settings' PEM files; a missing or bad block is refused naming the file. */
    private static <T> T pem(Path file, Function<List<Pem.Block>, T> read, String label) {
        final String text = Pem.read(file);
        final T found;
        try {
            found = read.apply(Pem.blocks(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (found == null || found instanceof List<?> list && list.isEmpty()) {
            throw new IllegalArgumentException(file + ": no PEM " + label + " block");
        }
        return found;
    }
}
