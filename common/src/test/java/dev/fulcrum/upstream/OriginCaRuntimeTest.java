package dev.fulcrum.upstream;

import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.runtime.FulcrumStartException;
import dev.fulcrum.testing.OriginTarget;
import dev.fulcrum.testing.SelfSignedCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The origin CA setting through the runtime: an https origin with a self-signed certificate is trusted by the
 * runtime's upstream client with the setting and refused (526) without it, and the health probes get the same store.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OriginCaRuntimeTest {

    private static final String SITE = "origin.fulcrum.test";

    @TempDir
    static Path dir;
    private static SelfSignedCertificate certificate;
    private static LoopbackOrigin site;
    private static Path caFile;

    @BeforeAll
    static void startOrigin() throws Exception {
        certificate = SelfSignedCertificate.generate(dir, SITE);
        site = LoopbackOrigin.startTls("site", certificate);
        caFile = Files.writeString(dir.resolve("origin-ca.pem"), certificate.pem());
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        site.close();
    }

    private static FulcrumSettings settings(String name, List<String> args) {
        return FulcrumSettings.parse(args, Map.of("FULCRUM_DATA_DIR", dir.resolve(name).toString()));
    }

    /** Sends a GET as the wrappers do: toward the origin's address with the site's name as Host (the SNI). */
    private static ContentResponse get(UpstreamClient upstream) throws Exception {
        final OriginTarget target = new OriginTarget("https", "127.0.0.1", site.port(), SITE);
        return upstream.newRequest(target, "GET", "/", null)
                .headers(headers -> headers.put(HttpHeader.HOST, SITE))
                .send();
    }

    @Test
    void theCaFileIsTrustedByTrafficAndProbesAlike() throws Exception {
        try (Fulcrum fulcrum = new Fulcrum(settings("trusted", List.of("--origin-ca", caFile.toString()))).start()) {
            assertThat(get(fulcrum.upstream()).getStatus()).isEqualTo(200);

            assertThat(fulcrum.upstream().settings().trustStore()).isNotNull()
                    .isSameAs(fulcrum.health().settings().trustStore());
        }
    }

    @Test
    void withoutTheSettingTheJvmTrustStoreRefusesTheOriginWith526() {
        try (Fulcrum fulcrum = new Fulcrum(settings("jvm", List.of())).start()) {
            final Throwable thrown = catchThrowable(() -> get(fulcrum.upstream()));

            assertThat(thrown).as("the request must fail").isNotNull();
            assertThat(UpstreamErrors.classify(thrown instanceof ExecutionException ? thrown.getCause() : thrown))
                    .isEqualTo(UpstreamFailure.INVALID_CERTIFICATE);
            assertThat(fulcrum.upstream().settings().trustStore()).isNull();
            assertThat(fulcrum.health().settings().trustStore()).isNull();
        }
    }

    @Test
    void theSettingIsReadFromTheEnvironmentAndShownInTheSettings() {
        final FulcrumSettings s = FulcrumSettings.parse(List.of(), Map.of("FULCRUM_ORIGIN_CA", "ca/origins.pem"));

        assertThat(s.originCa()).isEqualTo(Path.of("ca/origins.pem"));
        assertThat(s.toString()).contains("originCa=ca/origins.pem");
        assertThat(s.toBuilder().build().originCa()).isEqualTo(Path.of("ca/origins.pem"));
        assertThat(FulcrumSettings.defaults().originCa()).isNull();
        assertThat(FulcrumSettings.optionsHelp()).contains("--origin-ca FILE", "FULCRUM_ORIGIN_CA");
    }

    @Test
    void anUnusableFileFailsTheStartNamingTheSettingTheFileAndTheReason() throws Exception {
        final Path missing = dir.resolve("missing.pem");
        final Path empty = Files.writeString(dir.resolve("empty.pem"), "no certificates here\n");

        assertThatThrownBy(() -> new Fulcrum(settings("refused", List.of("--origin-ca=" + missing))).start())
                .isInstanceOf(FulcrumStartException.class)
                .hasMessage("origin CA file (--origin-ca (FULCRUM_ORIGIN_CA)) " + missing + ": no such file");
        assertThatThrownBy(() -> new Fulcrum(settings("refused", List.of("--origin-ca", empty.toString()))).start())
                .isInstanceOf(FulcrumStartException.class)
                .hasMessageStartingWith("origin CA file (--origin-ca (FULCRUM_ORIGIN_CA)) " + empty
                        + ": no certificate in it");
    }
}
