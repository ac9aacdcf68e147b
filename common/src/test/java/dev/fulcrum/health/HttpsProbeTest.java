package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.testing.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static org.assertj.core.api.Assertions.assertThat;

/** https probes against a self-signed origin: untrusted, trusted with the right and the wrong name, insecure. */
class HttpsProbeTest {

    private static final String POOL = Fixtures.id('p');

    @TempDir
    static Path dir;

    private static final ScheduledThreadPoolExecutor SCHEDULER = new ScheduledThreadPoolExecutor(1);
    private static TestOrigin server;
    private static Probes defaultTrust;
    private static Probes trustsOrigin;

    @BeforeAll
    static void start() throws Exception {
        final SelfSignedCertificate certificate = SelfSignedCertificate.generate(dir);
        server = TestOrigin.https(certificate.keyStore(), SelfSignedCertificate.PASSWORD);
        defaultTrust = new Probes(HealthSettings.defaults(), SCHEDULER);
        defaultTrust.start();
        trustsOrigin = new Probes(HealthSettings.defaults().withTrustStore(certificate.trustStore()), SCHEDULER);
        trustsOrigin.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        defaultTrust.close();
        trustsOrigin.close();
        SCHEDULER.shutdownNow();
    }

    private static ProbeResult check(Probes probes, Monitor monitor, Origin origin) throws Exception {
        return probes.check(ProbeTarget.of(monitor, POOL, origin)).get(15, TimeUnit.SECONDS);
    }

    private static Origin byName() {
        return Fixtures.withHost(origin("tls", "127.0.0.1", server.port()), "localhost");
    }

    @Test
    void selfSignedCertificateIsUntrusted() throws Exception {
        final ProbeResult result = check(defaultTrust, monitor(Fixtures.id('m'), "https"), byName());

        assertThat(result.passed()).isFalse();
        assertThat(result.reason().text()).isEqualTo("TLS untrusted certificate error");
    }

    @Test
    void allowInsecureSkipsValidation() throws Exception {
        final Monitor insecure = Fixtures.withFlags(monitor(Fixtures.id('m'), "https"), false, true);

        assertThat(check(defaultTrust, insecure, byName()).passed()).isTrue();
        // Even the name check: the certificate does not name 127.0.0.1.
        assertThat(check(defaultTrust, insecure, origin("tls", "127.0.0.1", server.port())).passed()).isTrue();
    }

    @Test
    void trustedCertificateWithTheHostAsSniPasses() throws Exception {
        final ProbeResult result = check(trustsOrigin, monitor(Fixtures.id('m'), "https"), byName());

        assertThat(result.passed()).isTrue();
        assertThat(server.lastRequest()).containsEntry("Host", "localhost");
    }

    @Test
    void trustedCertificateForAnotherNameIsANameMismatch() throws Exception {
        final ProbeResult result = check(trustsOrigin, monitor(Fixtures.id('m'), "https"),
                origin("tls", "127.0.0.1", server.port()));

        assertThat(result.reason().text()).isEqualTo("TLS name mismatch error");
    }

    @Test
    void plainHttpToATlsPortIsAnInvalidResponse() throws Exception {
        final ProbeResult result = check(defaultTrust, monitor(Fixtures.id('m'), "http"),
                origin("tls", "127.0.0.1", server.port()));

        assertThat(result.passed()).isFalse();
        assertThat(result.reason()).isIn(FailureReason.HTTP_INVALID_RESPONSE, FailureReason.RESPONSE_CODE_MISMATCH);
    }

    @Test
    void tlsToAPlainPortIsATlsProtocolError() throws Exception {
        try (TestOrigin plain = TestOrigin.http()) {
            final ProbeResult result = check(defaultTrust, monitor(Fixtures.id('m'), "https"),
                    origin("plain", "127.0.0.1", plain.port()));

            assertThat(result.reason().text()).isEqualTo("TLS protocol error");
        }
    }
}
