package dev.fulcrum.upstream;

import dev.fulcrum.testing.LoopbackOrigin;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The upstream HTTP/1.1 connections keep two limits with one idle timer ({@link OriginConnection}): the read timeout
 * of an exchange in flight, and the pooled idle limit of a connection between exchanges, which may be the longer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OriginConnectionTest {

    private static final Duration READ = Duration.ofSeconds(1);
    private static final Duration POOLED_IDLE = Duration.ofSeconds(4);

    private LoopbackOrigin origin;
    private UpstreamClient upstream;

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void anIdlePooledConnectionOutlivesTheReadTimeoutAndClosesAtThePooledLimit() throws Exception {
        start();
        assertThat(get("/").getStatus()).isEqualTo(200);
        final HttpDestination destination = destination();
        assertThat(destination.getConnectionPool().isEmpty()).isFalse();

        // Idle for more than two read timeouts, less than the pooled limit: the idle timer fired and kept it.
        await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(get("/").getStatus()).isEqualTo(200);
        assertThat(origin.connectionsOpened()).isEqualTo(1);

        // Then idle past the pooled limit: closed by the proxy, not kept for another read timeout or more.
        await().atMost(Duration.ofSeconds(10)).until(() -> destination.getConnectionPool().isEmpty());
        assertThat(get("/").getStatus()).isEqualTo(200);
        assertThat(origin.connectionsOpened()).isEqualTo(2);
    }

    @Test
    void anExchangeOnAPooledConnectionStillTimesOutAfterTheReadTimeout() throws Exception {
        start();
        assertThat(get("/").getStatus()).isEqualTo(200);

        assertThatThrownBy(() -> get("/?delay=3000")).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("Idle timeout");
    }

    private void start() throws Exception {
        origin = LoopbackOrigin.start("o");
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS.withReadTimeout(READ)
                .withIdleTimeout(POOLED_IDLE).withNonBlocking(true));
    }

    /** As {@link UpstreamClient#newRequest} builds them: the read timeout as the exchange's idle timeout. */
    private ContentResponse get(String pathAndQuery) throws Exception {
        return request(pathAndQuery).send();
    }

    private Request request(String pathAndQuery) {
        return upstream.httpClient().newRequest("http://127.0.0.1:" + origin.port() + pathAndQuery)
                .idleTimeout(READ.toMillis(), TimeUnit.MILLISECONDS)
                .timeout(10, TimeUnit.SECONDS);
    }

    private HttpDestination destination() {
        return (HttpDestination) upstream.httpClient().resolveDestination(request("/"));
    }
}
