package dev.fulcrum.servlet;

import dev.fulcrum.forwarding.Forwarding;
import dev.fulcrum.upstream.TunnelConnection;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Collections;

/**
 * WebSockets through a servlet host: which requests open one, and how the host switches the client's connection once
 * the origin switched its own ({@link BlockingServletClient#upgrade}, which runs the handshake through the forwarding
 * loop like any request). The origin's end is a {@link TunnelConnection}; the client's is {@link ClientTunnel} or
 * the host's own connection.
 */
public final class WebSocketForwarding {

    /**
     * How the wrapper switches the client's connection once the 101 answer is set on {@code response}: it joins the
     * client's end to {@code origin} ({@link TunnelConnection#attach}) and the origin's end to the client's.
     */
    @FunctionalInterface
    public interface Upgrade {
        void upgrade(HttpServletRequest request, HttpServletResponse response, TunnelConnection origin)
                throws IOException, ServletException;
    }

    /** The servlet API's own upgrade ({@link ClientTunnel}), for requests dispatched to a servlet context. */
    public static final Upgrade SERVLET_UPGRADE = (request, response, origin) ->
            request.upgrade(ClientTunnel.class).connect(origin);

    private WebSocketForwarding() {
    }

    /** Whether the request opens a WebSocket ({@link Forwarding#opensWebSocket}). */
    public static boolean isUpgrade(HttpServletRequest request) {
        final String upgrade = request.getHeader("Upgrade");
        // Most requests ask for no upgrade: their Connection values are not even listed.
        return upgrade != null && Forwarding.opensWebSocket(request.getMethod(), request.getProtocol(), upgrade,
                Collections.list(request.getHeaders("Connection")));
    }
}
