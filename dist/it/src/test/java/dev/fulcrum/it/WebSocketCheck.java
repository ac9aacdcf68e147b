package dev.fulcrum.it;

import dev.fulcrum.testing.WebSocketContract;
import dev.fulcrum.testing.WebSocketOrigin;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * README "WebSockets" on an installed deliverable: a load balancer created through the API carries a WebSocket to a
 * real WebSocket origin, messages go both ways, and closing the socket closes it at the origin.
 */
final class WebSocketCheck {

    private static final String HOST = "ws.sockets.test";

    private WebSocketCheck() {
    }

    /** The socket opens and echoes through the server on {@code port}. */
    static void tunnels(Api api, int port) throws Exception {
        tunnels(api, port, HOST);
    }

    /** The same, through a load balancer for {@code host}, which the server may map differently. */
    static void tunnels(Api api, int port, String host) throws Exception {
        try (WebSocketOrigin origin = WebSocketOrigin.start("ws")) {
            final Api.LoadBalancer lb = api.createLoadBalancer(host, "ws", origin.port());
            final WebSocketClient client = new WebSocketClient();
            client.start();
            try {
                final WebSocketContract.Messages messages = new WebSocketContract.Messages();
                final Session session = client.connect(messages, uri(port), upgrade(host))
                        .get(20, TimeUnit.SECONDS);
                for (int i = 0; i < 5; i++) {
                    session.sendText("hello " + i, Callback.NOOP);
                    assertThat(messages.nextText()).isEqualTo("ws:hello " + i);
                }
                session.close();
                assertThat(messages.closed().get(20, TimeUnit.SECONDS)).isEqualTo(1000);
            } finally {
                client.stop();
            }
            api.delete(lb);
        }
    }

    /** The handshake is answered with {@code status} and nothing reaches the origin. */
    static void refused(Api api, int port, int status) throws Exception {
        try (WebSocketOrigin origin = WebSocketOrigin.start("ws")) {
            final Api.LoadBalancer lb = api.createLoadBalancer(HOST, "ws", origin.port());
            final WebSocketClient client = new WebSocketClient();
            client.start();
            try {
                final Throwable failure = catchThrowable(() -> client.connect(new WebSocketContract.Messages(),
                        uri(port), upgrade(HOST)).get(20, TimeUnit.SECONDS));
                assertThat(failure).isInstanceOf(ExecutionException.class);
                assertThat(failure.getCause()).isInstanceOf(UpgradeException.class);
                assertThat(((UpgradeException) failure.getCause()).getResponseStatusCode()).isEqualTo(status);
                assertThat(origin.handshakes()).isEmpty();
            } finally {
                client.stop();
            }
            api.delete(lb);
        }
    }

    private static URI uri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/echo");
    }

    private static ClientUpgradeRequest upgrade(String host) {
        final ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setHeader("Host", host);
        return upgrade;
    }
}
