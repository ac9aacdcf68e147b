package dev.fulcrum.standalone;

import dev.fulcrum.testing.ClientProtocol;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.SelfSignedCertificate;
import dev.fulcrum.testing.WebSocketContract;
import dev.fulcrum.testing.WebSocketOrigin;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The standalone's HTTPS listener and HTTP/2: certificates chosen by SNI from a directory (exact names before
 * wildcards, a default for the rest), reloaded without a restart, refused at the start when a file is bad; h2 by
 * ALPN, h2c by prior knowledge and by Upgrade; TLS 1.2+ with forward-secret AEAD suites only; the redirect to https.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StandaloneTlsTest {

    private static final String TOKEN = "standalone-tls-token-0123456789";

    @TempDir
    static Path generated;
    private static SelfSignedCertificate www;
    private static SelfSignedCertificate wildcard;
    private static SelfSignedCertificate fallback;

    @TempDir
    Path dir;
    private Path certs;
    private LoopbackOrigin origin;
    private FulcrumMain.Standalone running;
    private HttpClient client;

    @BeforeAll
    static void generate() throws Exception {
        www = SelfSignedCertificate.generate(generated, "www", "EC", "www.example.com");
        wildcard = SelfSignedCertificate.generate(generated, "wild", "EC", "*.example.com");
        fallback = SelfSignedCertificate.generate(generated, "fallback", "RSA", "fallback.test");
    }

    @BeforeEach
    void start() throws Exception {
        origin = LoopbackOrigin.start("a");
        certs = Files.createDirectory(dir.resolve("certs"));
        wildcard.writePem(certs.resolve("wildcard.crt"), certs.resolve("wildcard.key"));
        Files.copy(fallback.keyStore(), certs.resolve("default.p12"));
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (running != null) {
            running.close();
        }
        origin.close();
    }

    private FulcrumMain.Standalone launch(String... more) {
        final List<String> args = new ArrayList<>(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                "--data-dir", dir.resolve("data").toString(), "--api-token", TOKEN, "--tls-port", "0",
                "--tls-cert-dir", certs.toString(), "--tls-password", SelfSignedCertificate.PASSWORD));
        args.addAll(List.of(more));
        final FulcrumMain.Standalone standalone = FulcrumMain.launch(args, Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return standalone;
    }

    /**
     * A client that speaks h2 and/or http/1.1 (chosen by ALPN over TLS; h2 alone is h2c by prior knowledge on
     * http), trusts exactly the test certificates, checks the host name, and reaches every name at 127.0.0.1.
     */
    private HttpClient startClient(boolean h2, boolean http11) throws Exception {
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("www", www.trustStore().getCertificate("origin"));
        trust.setCertificateEntry("wild", wildcard.trustStore().getCertificate("origin"));
        trust.setCertificateEntry("fallback", fallback.trustStore().getCertificate("origin"));
        final SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setTrustStore(trust);
        final ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        final List<org.eclipse.jetty.io.ClientConnectionFactory.Info> protocols = new ArrayList<>();
        if (h2) {
            protocols.add(new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)));
        }
        if (http11) {
            protocols.add(HttpClientConnectionFactory.HTTP11);
        }
        final HttpClient c = new HttpClient(new HttpClientTransportDynamic(connector,
                protocols.toArray(new org.eclipse.jetty.io.ClientConnectionFactory.Info[0])));
        ClientProtocol.resolvingToLoopback(c);
        c.setFollowRedirects(false);
        c.start();
        return c;
    }

    private ContentResponse get(String url) throws Exception {
        return client.newRequest(url).timeout(10, TimeUnit.SECONDS).send();
    }

    @Test
    void servesHttp2OverTlsWithTheCertificateForTheNameAsked() throws Exception {
        running = launch();
        new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(origin.port());
        client = startClient(true, true);

        // The wildcard serves www.example.com until a certificate of its own arrives (the client checks the name).
        final ContentResponse response = get("https://www.example.com:" + running.proxyTlsPort() + "/shop?x=1");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.getContentAsString()).isEqualTo("origin:a");
        final LoopbackOrigin.Seen seen = origin.lastRequest();
        assertThat(seen.header("Host")).isEqualTo("www.example.com:" + running.proxyTlsPort());
        assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(seen.header("CF-Visitor")).isEqualTo("{\"scheme\":\"https\"}");
        assertThat(seen.query()).isEqualTo("x=1");
        assertThat(served("www.example.com")).isEqualTo("*.example.com");
        assertThat(served("other.test")).as("no match: the default").isEqualTo("fallback.test");
        assertThat(served(null)).as("no SNI: the default").isEqualTo("fallback.test");

        // HTTP/1.1 over TLS is still offered by ALPN.
        final HttpClient http1 = startClient(false, true);
        try {
            final ContentResponse overHttp1 = http1.newRequest("https://www.example.com:" + running.proxyTlsPort()
                    + "/").timeout(10, TimeUnit.SECONDS).send();
            assertThat(overHttp1.getVersion()).isEqualTo(HttpVersion.HTTP_1_1);
            assertThat(overHttp1.getContentAsString()).isEqualTo("origin:a");
        } finally {
            http1.stop();
        }
    }

    @Test
    void aWebSocketOpensOverTls() throws Exception {
        running = launch();
        try (WebSocketOrigin ws = WebSocketOrigin.start("ws")) {
            new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(ws.port());
            client = startClient(false, true);
            final WebSocketClient wsClient = new WebSocketClient(client);
            wsClient.start();
            try {
                final WebSocketContract.Messages received = new WebSocketContract.Messages();
                final Session session = wsClient.connect(received, URI.create("wss://www.example.com:"
                        + running.proxyTlsPort() + "/echo")).get(10, TimeUnit.SECONDS);

                session.sendText("over tls", org.eclipse.jetty.websocket.api.Callback.NOOP);
                assertThat(received.nextText()).isEqualTo("ws:over tls");
                session.close();
            } finally {
                wsClient.stop();
            }
        }
    }

    @Test
    void reloadsChangedCertificatesAndKeepsThemOnABadChange() throws Exception {
        running = launch();
        assertThat(served("www.example.com")).isEqualTo("*.example.com");

        www.writePem(certs.resolve("www.example.com.crt"), certs.resolve("www.example.com.key"));
        assertThat(running.reloadCertificates()).isTrue();
        assertThat(served("www.example.com")).as("an exact name wins over the wildcard").isEqualTo("www.example.com");
        assertThat(served("api.example.com")).isEqualTo("*.example.com");

        // A key that is not its certificate's: nothing changes in service.
        Files.writeString(certs.resolve("www.example.com.key"), wildcard.pemKey());
        assertThat(running.reloadCertificates()).isFalse();
        assertThat(served("www.example.com")).isEqualTo("www.example.com");
        assertThat(served("api.example.com")).isEqualTo("*.example.com");
    }

    @Test
    void aBadCertificateFileFailsTheStartNamingIt() throws Exception {
        Files.writeString(certs.resolve("broken.crt"), www.pem());

        assertThatThrownBy(this::launch).isInstanceOfSatisfying(FulcrumMain.LaunchException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_START);
            assertThat(e.getMessage()).isEqualTo("TLS certificates: " + certs.resolve("broken.crt") + ": no private "
                    + "key in it, nor a key file beside it (expected: the key in the same file, or in a key file)");
        });
        assertThat(dir.resolve("data")).as("refused before anything is stored").doesNotExist();
    }

    @Test
    void offersTls12AndUpWithForwardSecretAeadSuitesOnly() throws Exception {
        running = launch();

        assertThat(handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLSv1.2");
        assertThat(handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256")).isEqualTo("TLSv1.3");
        for (String weak : List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")) {
            assertThatThrownBy(() -> handshake("TLSv1.2", weak)).as(weak).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void speaksH2cByPriorKnowledgeAndByUpgradeOnThePlainPort() throws Exception {
        running = launch();
        new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(origin.port());
        client = startClient(true, false);

        final ContentResponse response = get("http://www.example.com:" + running.proxyPort() + "/prior");
        assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.getContentAsString()).isEqualTo("origin:a");
        assertThat(origin.lastRequest().header("X-Forwarded-Proto")).isEqualTo("http");

        try (Socket socket = new Socket("127.0.0.1", running.proxyPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /upgraded HTTP/1.1\r\nHost: www.example.com\r\n"
                    + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            final InputStream in = socket.getInputStream();
            assertThat(line(in)).isEqualTo("HTTP/1.1 101 Switching Protocols");
            while (!line(in).isEmpty()) {
                // the 101's headers
            }
            // The client's connection preface and an empty SETTINGS frame, then the answer to stream 1 arrives as
            // HTTP/2 frames: its DATA frame carries the origin's body.
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            assertThat(dataOfStreamOne(in)).isEqualTo("origin:a");
        }
        assertThat(origin.lastRequest().path()).isEqualTo("/upgraded");
    }

    @Test
    void withoutH2cThePlainPortSpeaksHttp1Only() throws Exception {
        running = launch("--h2c=false");
        new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(origin.port());
        client = startClient(true, false);

        assertThatThrownBy(() -> get("http://www.example.com:" + running.proxyPort() + "/"))
                .isInstanceOf(java.util.concurrent.ExecutionException.class);
        assertThat(origin.requestCount()).isZero();
    }

    @Test
    void redirectsThePlainPortToHttpsButNotAcmeChallenges() throws Exception {
        running = launch("--redirect-https");
        new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(origin.port());
        final int tlsPort = running.proxyTlsPort();

        final HttpResponse<String> get = StandaloneApi.proxied(running.proxyPort(), "www.example.com:8080");
        assertThat(get.statusCode()).isEqualTo(301);
        assertThat(get.headers().firstValue("Location")).hasValue("https://www.example.com:" + tlsPort + "/");
        try (Socket socket = new Socket("127.0.0.1", running.proxyPort())) {
            socket.getOutputStream().write(("POST /cart?item=2 HTTP/1.1\r\nHost: www.example.com\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final HttpResponse<String> post = RawResponse.parse(new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8));
            assertThat(post.statusCode()).isEqualTo(308);
            assertThat(post.headers().firstValue("Location"))
                    .hasValue("https://www.example.com:" + tlsPort + "/cart?item=2");
        }
        assertThat(origin.requestCount()).isZero();

        try (Socket socket = new Socket("127.0.0.1", running.proxyPort())) {
            socket.getOutputStream().write(("GET /.well-known/acme-challenge/token HTTP/1.1\r\nHost: www.example.com"
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final HttpResponse<String> challenge = RawResponse.parse(new String(socket.getInputStream()
                    .readAllBytes(), StandardCharsets.UTF_8));
            assertThat(challenge.statusCode()).isEqualTo(200);
        }
        assertThat(origin.lastRequest().path()).isEqualTo("/.well-known/acme-challenge/token");
    }

    /** The first DNS name of the certificate the TLS port presents for {@code sni} (null: no SNI). */
    private String served(String sni) throws Exception {
        try (SSLSocket socket = socket()) {
            final SSLParameters parameters = socket.getSSLParameters();
            if (sni != null) {
                parameters.setServerNames(List.of(new SNIHostName(sni)));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            final X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return String.valueOf(presented.getSubjectAlternativeNames().iterator().next().get(1));
        }
    }

    /** Completes a handshake offering only {@code protocol} and {@code suite}; returns the protocol agreed. */
    private String handshake(String protocol, String suite) throws Exception {
        try (SSLSocket socket = socket()) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    /** A client socket to the TLS port trusting the test certificates, not yet handshaken. */
    private SSLSocket socket() throws Exception {
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("www", www.trustStore().getCertificate("origin"));
        trust.setCertificateEntry("wild", wildcard.trustStore().getCertificate("origin"));
        trust.setCertificateEntry("fallback", fallback.trustStore().getCertificate("origin"));
        final TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        final SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                running.proxyTlsPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String line(InputStream in) throws Exception {
        final StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            assertThat(c).as("the connection closed early after '%s'", line).isNotNegative();
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** Reads HTTP/2 frames until a DATA frame of stream 1; returns its payload. */
    private static String dataOfStreamOne(InputStream in) throws Exception {
        for (int frames = 0; frames < 20; frames++) {
            final byte[] header = in.readNBytes(9);
            assertThat(header).hasSize(9);
            final int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
            final int type = header[3];
            final int stream = (header[5] & 0x7f) << 24 | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                    | (header[8] & 0xff);
            final byte[] payload = in.readNBytes(length);
            if (type == 0 && stream == 1 && length > 0) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no DATA frame for stream 1");
    }
}
