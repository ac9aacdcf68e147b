package dev.fulcrum.standalone;

import dev.fulcrum.testing.GrpcOrigin;
import dev.fulcrum.testing.SelfSignedCertificate;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * README "gRPC and HTTP/2 to origins" in the standalone: grpc-java's client calls over TLS (h2 by ALPN, the
 * certificate for the load balancer's name) and over h2c on the plain port, and the calls reach a grpc-java server
 * over h2c; a call to an origin that refuses is UNAVAILABLE.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StandaloneGrpcTest {

    private static final String TOKEN = "standalone-grpc-token-0123456789";
    private static final String LB = "www.example.com";

    @TempDir
    static Path generated;
    private static SelfSignedCertificate certificate;

    @TempDir
    Path dir;
    private FulcrumMain.Standalone running;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void generate() throws Exception {
        certificate = SelfSignedCertificate.generate(generated, "www", "EC", LB);
    }

    @AfterEach
    void stop() throws Exception {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (running != null) {
            running.close();
        }
    }

    private void launch() throws Exception {
        final Path certs = Files.createDirectory(dir.resolve("certs"));
        certificate.writePem(certs.resolve("www.crt"), certs.resolve("www.key"));
        running = FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                        "--data-dir", dir.resolve("data").toString(), "--api-token", TOKEN, "--tls-port", "0",
                        "--tls-cert-dir", certs.toString()), Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private ManagedChannel overTls() throws Exception {
        final X509Certificate trusted = (X509Certificate) certificate.trustStore().getCertificate("origin");
        final ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", running.proxyTlsPort())
                .overrideAuthority(LB).sslContext(GrpcSslContexts.forClient().trustManager(trusted).build()).build();
        channels.add(channel);
        return channel;
    }

    @Test
    void callsOverTlsAndH2cReachAGrpcOrigin() throws Exception {
        launch();
        try (GrpcOrigin origin = GrpcOrigin.start("g")) {
            new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(origin.port());
            final ManagedChannel tls = overTls();
            final ManagedChannel h2c = GrpcOrigin.channel(running.proxyPort(), LB);
            channels.add(h2c);

            for (ManagedChannel channel : List.of(tls, h2c)) {
                assertThat(ClientCalls.blockingUnaryCall(channel, GrpcOrigin.SAY, CallOptions.DEFAULT, "hi"))
                        .isEqualTo("g:hi");
                assertThat(GrpcOrigin.chat(channel, List.of("one", "two")))
                        .containsExactly("g:one", "g:two", GrpcOrigin.COMPLETED);
            }
            assertThat(origin.calls()).isEqualTo(4);
        }
    }

    @Test
    void aCallToARefusingOriginIsUnavailable() throws Exception {
        launch();
        new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(refusedPort());

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(overTls(), GrpcOrigin.SAY, CallOptions.DEFAULT, "hi"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).contains("error code: 521");
                });
    }
}
