package dev.fulcrum.it;

import dev.fulcrum.testing.ClientProtocol;
import dev.fulcrum.testing.SelfSignedCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README "HTTP/2 and TLS" on an installed deliverable: a load balancer created through the API is served over h2
 * (ALPN, on the server's TLS port, with the certificate for its name) and over h2c (prior knowledge, and
 * {@code Upgrade: h2c} from the JDK's client) on the plain port, and the origin learns the client's scheme.
 */
final class Http2Check {

    /** The load balancer's host name, which the TLS certificate is for. */
    static final String HOST = "h2.example.test";

    private Http2Check() {
    }

    /** A certificate for {@link #HOST}, generated now in {@code dir} (a PKCS#12 file; PEM files beside it). */
    static SelfSignedCertificate certificate(Path dir) throws Exception {
        return SelfSignedCertificate.generate(dir, HOST);
    }

    /**
     * @param plainPort the plain HTTP port (h2c), or 0 to skip it
     * @param tlsPort   the TLS port (h2 by ALPN), or 0 to skip it
     */
    static void serves(Api api, Origin origin, int plainPort, int tlsPort, SelfSignedCertificate certificate)
            throws Exception {
        final Api.LoadBalancer lb = api.createLoadBalancer(HOST, List.of(origin));
        final SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setTrustStore(certificate.trustStore());
        final ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        final HttpClient client = new HttpClient(new HttpClientTransportDynamic(connector,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)),
                HttpClientConnectionFactory.HTTP11));
        ClientProtocol.resolvingToLoopback(client).start();
        try {
            if (tlsPort > 0) {
                final ContentResponse h2 = client.newRequest("https://" + HOST + ":" + tlsPort + "/over-h2")
                        .timeout(15, TimeUnit.SECONDS).send();
                assertThat(h2.getStatus()).as(h2.getContentAsString()).isEqualTo(200);
                assertThat(h2.getVersion()).isEqualTo(HttpVersion.HTTP_2);
                assertThat(h2.getContentAsString()).isEqualTo("origin " + origin.name());
                assertThat(last(origin).forwardedProto()).isEqualTo("https");
                assertThat(last(origin).path()).isEqualTo("/over-h2");
            }
            if (plainPort > 0) {
                final ContentResponse h2c = client.newRequest("http://" + HOST + ":" + plainPort + "/over-h2c")
                        .version(HttpVersion.HTTP_2).timeout(15, TimeUnit.SECONDS).send();
                assertThat(h2c.getStatus()).as(h2c.getContentAsString()).isEqualTo(200);
                assertThat(h2c.getVersion()).isEqualTo(HttpVersion.HTTP_2);
                assertThat(last(origin).forwardedProto()).isEqualTo("http");
                assertThat(last(origin).path()).isEqualTo("/over-h2c");

                // The JDK's client asks for HTTP/2 on http:// with Upgrade: h2c, and takes the answer over h2.
                final java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_2).build();
                final HttpResponse<String> upgraded = jdk.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + plainPort + "/upgraded")).header("Host", HOST).timeout(Duration.ofSeconds(15)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(upgraded.statusCode()).isEqualTo(200);
                assertThat(upgraded.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
                assertThat(upgraded.body()).isEqualTo("origin " + origin.name());
            }
        } finally {
            client.stop();
            api.delete(lb);
        }
    }

    private static Origin.Seen last(Origin origin) {
        final List<Origin.Seen> seen = origin.seen();
        return seen.get(seen.size() - 1);
    }
}
