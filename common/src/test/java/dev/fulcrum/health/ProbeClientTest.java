package dev.fulcrum.health;

import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The probes' client starts, stops and forgets its destinations itself, without listing them among its beans. */
class ProbeClientTest {

    private final ProbeClient client = new ProbeClient(new HttpClientTransportOverHTTP());

    @AfterEach
    void stop() throws Exception {
        client.stop();
    }

    private Destination probed(int port) throws Exception {
        try {
            client.newRequest("127.0.0.1", port).timeout(5, TimeUnit.SECONDS).send();
        } catch (Exception refused) {
            // A closed port: the destination exists all the same.
        }
        return client.getDestinations().stream().filter(d -> d.getOrigin().getAddress().getPort() == port)
                .findFirst().orElseThrow();
    }

    @Test
    void destinationsRunWithoutBeingBeans() throws Exception {
        client.start();
        final int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        final Destination first = probed(closed);
        final Destination second = probed(closed == 65535 ? closed - 1 : closed + 1);

        assertThat(((LifeCycle) first).isRunning()).isTrue();
        assertThat(client.getBeans(Destination.class)).isEmpty();
        assertThat(client.getDestinations()).containsExactlyInAnyOrder(first, second);

        assertThat(client.removeDestination(first)).isTrue();
        assertThat(((LifeCycle) first).isStopped()).isTrue();
        assertThat(client.getDestinations()).containsExactly(second);

        client.stop();
        assertThat(((LifeCycle) second).isStopped()).as("stopped with the client").isTrue();
        assertThat(client.getDestinations()).isEmpty();
    }
}
