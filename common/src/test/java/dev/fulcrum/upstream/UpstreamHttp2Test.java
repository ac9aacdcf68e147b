package dev.fulcrum.upstream;

import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.testing.OriginTarget;
import dev.fulcrum.testing.SelfSignedCertificate;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 to origins at the upstream client: a request asking for it goes h2c (prior knowledge) to a plain origin and
 * h2 chosen by ALPN to a TLS one, naming the Host value in {@code :authority}, and gets the origin's trailers; every
 * other request keeps HTTP/1.1 to the very same origins (no ALPN offered over TLS); HTTP/2 connections are shared.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamHttp2Test {

    private static final String SITE = "origin.fulcrum.test";

    @TempDir
    static Path dir;
    private static SelfSignedCertificate certificate;
    private static Server origin;
    private static ServerConnector plain;
    private static ServerConnector tls;

    private UpstreamClient upstream;
    private final OriginConnections connections = new OriginConnections();

    /** One origin answering, over HTTP/1.1 and HTTP/2 alike, how it was asked, with a trailer. */
    @BeforeAll
    static void startOrigin() throws Exception {
        certificate = SelfSignedCertificate.generate(dir, SITE);
        origin = new Server();
        final HttpConfiguration http = new HttpConfiguration();
        plain = new ServerConnector(origin, 1, 1, new HttpConnectionFactory(http),
                new HTTP2CServerConnectionFactory(http));
        final SslContextFactory.Server context = new SslContextFactory.Server();
        context.setKeyStorePath(certificate.keyStore().toString());
        context.setKeyStorePassword(SelfSignedCertificate.PASSWORD);
        context.setKeyStoreType("PKCS12");
        final HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false));
        final ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        tls = new ServerConnector(origin, 1, 1, new SslConnectionFactory(context, alpn.getProtocol()), alpn,
                new HTTP2ServerConnectionFactory(https), new HttpConnectionFactory(https));
        for (ServerConnector connector : List.of(plain, tls)) {
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            origin.addConnector(connector);
        }
        origin.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, Response response,
                                  org.eclipse.jetty.util.Callback callback) {
                final String host = request.getHeaders().get(HttpHeader.HOST);
                final String said = request.getConnectionMetaData().getProtocol() + ' '
                                    + org.eclipse.jetty.server.Request.getServerName(request) + ' '
                                    + org.eclipse.jetty.server.Request.getServerPort(request) + ' '
                                    + (host == null ? "-" : host);
                response.setTrailersSupplier(() -> HttpFields.build().put("grpc-status", "0"));
                Content.Sink.write(response, true, said, callback);
                return true;
            }
        });
        origin.start();
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        origin.stop();
    }

    @AfterEach
    void stopClient() {
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start() throws Exception {
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS.withTrustStore(certificate.trustStore()),
                connections);
    }

    /** What came back: status, body and trailers. */
    private record Answer(int status, String body, HttpFields trailers) {
    }

    /** Sends a GET as the forwarding loop does: the Host header set, through {@link UpstreamClient#send}. */
    private Answer get(OriginTarget target, boolean http2) throws Exception {
        final Request request = upstream.newRequest(target, "GET", "/", null, http2)
                .headers(headers -> headers.put(HttpHeader.HOST, target.hostHeader()));
        final CompletableFuture<Answer> answer = new CompletableFuture<>();
        upstream.send(target, request, false, new BufferingResponseListener() {
            @Override
            public void onComplete(Result result) {
                if (result.isFailed()) {
                    answer.completeExceptionally(result.getFailure());
                } else {
                    answer.complete(new Answer(result.getResponse().getStatus(), getContentAsString(),
                            result.getResponse().getTrailers()));
                }
            }
        });
        return answer.get(20, TimeUnit.SECONDS);
    }

    @Test
    void h2cToAPlainOriginWithTheHostAsAuthorityAndTrailers() throws Exception {
        start();
        final OriginTarget target = new OriginTarget("http", "127.0.0.1", plain.getLocalPort(), "lb.fulcrum.test");

        final Answer response = get(target, true);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).as("HTTP/2, :authority the Host value, no Host header")
                .isEqualTo("HTTP/2.0 lb.fulcrum.test 80 -");
        assertThat(response.trailers().get("grpc-status")).isEqualTo("0");
        assertThat(get(target, false).body()).as("others keep HTTP/1.1")
                .isEqualTo("HTTP/1.1 lb.fulcrum.test 80 lb.fulcrum.test");
    }

    @Test
    void h2ByAlpnToATlsOriginVerifiedForTheHost() throws Exception {
        start();
        final OriginTarget target = new OriginTarget("https", "127.0.0.1", tls.getLocalPort(), SITE + ":8443");

        assertThat(get(target, true).body()).isEqualTo("HTTP/2.0 " + SITE + " 8443 -");
        assertThat(get(target, false).body()).as("no ALPN offered: the origin's default")
                .isEqualTo("HTTP/1.1 " + SITE + " 8443 " + SITE + ":8443");
    }

    @Test
    void http2CallsShareOneConnectionKeptOpen() throws Exception {
        start();
        final OriginTarget target = new OriginTarget("http", "127.0.0.1", plain.getLocalPort(), "lb.fulcrum.test");

        for (int i = 0; i < 10; i++) {
            assertThat(get(target, true).status()).isEqualTo(200);
        }
        assertThat(connections.open("127.0.0.1", plain.getLocalPort())).isEqualTo(1);
    }
}
