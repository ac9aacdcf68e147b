package dev.fulcrum.standalone;

import dev.fulcrum.testing.ApiCalls;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The standalone's drain after SIGTERM ({@code close()}, which the shutdown hook runs): the proxy port stops
 * accepting, a request arriving on a connection kept alive from before is still answered, with
 * {@code Connection: close}, and the stop goes on as soon as no connection is left.
 */
class DrainTest {

    private static final String TOKEN = "drain-test-token-0123456789";
    private static final String LB_HOST = "www.example.test";

    @TempDir
    Path dir;

    private final StandaloneNode node = new StandaloneNode("--drain", "30s");
    private LoopbackOrigin origin;

    @AfterEach
    void stop() throws Exception {
        node.close();
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void aKeptAliveConnectionIsAnsweredWithConnectionCloseWhileNewOnesAreRefused() throws Exception {
        origin = LoopbackOrigin.start("o1");
        node.start(dir, TOKEN);
        new ApiCalls("http://127.0.0.1:" + node.apiPort() + "/client/v4", TOKEN)
                .createLoadBalancer(LB_HOST, "127.0.0.1", origin.port());
        final int port = node.proxyPort();
        try (RawHttpConnection kept = new RawHttpConnection(port)) {
            final RawHttpConnection.Response before = kept.get(LB_HOST, "/before");
            assertThat(before.status()).isEqualTo(200);
            assertThat(before.header("Connection")).isNull();

            final long stopping = System.nanoTime();
            final CompletableFuture<Void> stop = CompletableFuture.runAsync(node::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));

            final RawHttpConnection.Response during = kept.get(LB_HOST, "/during");
            assertThat(during.status()).isEqualTo(200);
            assertThat(during.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(origin.lastRequest().path()).isEqualTo("/during");
            assertThatThrownBy(() -> kept.get(LB_HOST, "/after")).isInstanceOf(IOException.class);

            // The last connection is gone: the drain ends long before its 30 s.
            stop.get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(20));
        }
    }

    private static boolean refused(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
