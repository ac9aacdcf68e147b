package dev.fulcrum.upstream;

import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.OriginTarget;
import dev.fulcrum.testing.SelfSignedCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * https origins given by IP, with a certificate for a site name only: the Host value a request carries is the SNI
 * and the name verified (spec §8.1, Full (strict)), through a trust store holding just that certificate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamTlsTest {

    private static final String SITE = "origin.fulcrum.test";

    @TempDir
    static Path dir;
    private static SelfSignedCertificate siteCertificate;
    private static LoopbackOrigin site;

    private UpstreamClient upstream;

    @BeforeAll
    static void startOrigin() throws Exception {
        siteCertificate = SelfSignedCertificate.generate(dir, SITE);
        site = LoopbackOrigin.startTls("site", siteCertificate);
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        site.close();
    }

    @AfterEach
    void stopClient() {
        if (upstream != null) {
            upstream.close();
        }
        site.reset();
    }

    private void startTrusting(SelfSignedCertificate certificate, OriginConnections connections) throws Exception {
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS.withTrustStore(certificate.trustStore()),
                connections);
    }

    /** Sends a GET as the wrappers do: toward the decision's origin with its Host value. */
    private ContentResponse get(OriginTarget target) throws Exception {
        return upstream.newRequest(target, "GET", "/", null)
                .headers(headers -> headers.put(HttpHeader.HOST, target.hostHeader()))
                .send();
    }

    private UpstreamFailure failureOf(OriginTarget target) {
        final Throwable thrown = catchThrowable(() -> get(target));
        assertThat(thrown).as("the request must fail").isNotNull();
        return UpstreamErrors.classify(thrown instanceof ExecutionException ? thrown.getCause() : thrown);
    }

    private static OriginTarget siteByIp(String hostHeader) {
        return new OriginTarget("https", "127.0.0.1", site.port(), hostHeader);
    }

    @Test
    void theHostIsTheSniAndTheNameVerified() throws Exception {
        startTrusting(siteCertificate, null);

        final ContentResponse response = get(siteByIp(SITE + ":8443"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("origin:site");
        assertThat(site.lastRequest().serverName()).isEqualTo(SITE);
        assertThat(site.lastRequest().header("Host")).isEqualTo(SITE + ":8443");
    }

    @Test
    void aHostTheCertificateDoesNotNameIs526() throws Exception {
        startTrusting(siteCertificate, null);

        assertThat(failureOf(siteByIp("other.fulcrum.test"))).isEqualTo(UpstreamFailure.INVALID_CERTIFICATE);
        // The origin's IP as the Host: no SNI, and the certificate names no IP.
        assertThat(failureOf(siteByIp("127.0.0.1"))).isEqualTo(UpstreamFailure.INVALID_CERTIFICATE);
        assertThat(site.requestCount()).isZero();
    }

    @Test
    void theJvmTrustStoreDoesNotTrustTheOriginsCertificate() {
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS);

        assertThat(failureOf(siteByIp(SITE))).isEqualTo(UpstreamFailure.INVALID_CERTIFICATE);
    }

    @Test
    void aConnectionVerifiedForOneNameNeverServesAnother() throws Exception {
        startTrusting(siteCertificate, null);

        assertThat(get(siteByIp(SITE)).getStatus()).isEqualTo(200);
        final String first = site.lastRequest().connectionId();
        // Were the pooled connection shared, this would be answered 200 on it.
        assertThat(failureOf(siteByIp("other.fulcrum.test"))).isEqualTo(UpstreamFailure.INVALID_CERTIFICATE);
        assertThat(get(siteByIp(SITE.toUpperCase(java.util.Locale.ROOT))).getStatus()).isEqualTo(200);

        assertThat(site.lastRequest().connectionId()).as("the name's pooled connection is reused").isEqualTo(first);
        assertThat(site.requestCount()).isEqualTo(2);
        assertThat(upstream.httpClient().getDestinations()).hasSize(2);
    }

    @Test
    void plainHttpKeepsOnePoolWhateverTheHost() throws Exception {
        try (LoopbackOrigin plain = LoopbackOrigin.start("plain")) {
            upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS);

            for (String host : new String[] {"a.fulcrum.test", "b.fulcrum.test", "a.fulcrum.test"}) {
                assertThat(get(new OriginTarget("http", "127.0.0.1", plain.port(), host)).getStatus()).isEqualTo(200);
            }

            assertThat(plain.connectionsOpened()).isEqualTo(1);
            assertThat(plain.requests()).extracting(LoopbackOrigin.Seen::serverName).containsOnlyNulls();
            assertThat(upstream.httpClient().getDestinations()).hasSize(1);
        }
    }

    @Test
    void httpsConnectionsCountTowardTheOriginAddress() throws Exception {
        final OriginConnections connections = new OriginConnections();
        startTrusting(siteCertificate, connections);

        assertThat(get(siteByIp(SITE)).getStatus()).isEqualTo(200);

        await().untilAsserted(() -> assertThat(connections.open("127.0.0.1", site.port())).isEqualTo(1));
    }

    @Test
    void aHostNameOriginIsLookedUpAndASingleLabelHostIsStillTheSni() throws Exception {
        final SelfSignedCertificate localhost = SelfSignedCertificate.generate(dir, "localhost");
        try (LoopbackOrigin origin = LoopbackOrigin.startTls("localhost", localhost)) {
            startTrusting(localhost, null);

            final ContentResponse response = get(new OriginTarget("https", "localhost", origin.port()));

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(origin.lastRequest().serverName()).isEqualTo("localhost");
        }
    }

    @Test
    void aNameThatDoesNotResolveIsAnOriginDnsError() throws Exception {
        startTrusting(siteCertificate, null);

        assertThat(failureOf(new OriginTarget("https", "nonexistent.invalid", 443, SITE)))
                .isEqualTo(UpstreamFailure.ORIGIN_DNS_ERROR);
    }
}
