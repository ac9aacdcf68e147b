package dev.fulcrum.it;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real HTTP origin on 127.0.0.1 that answers who it is and records what it saw. */
final class Origin implements AutoCloseable {

    /** One request as this origin received it. */
    record Seen(String method, String path, String host, String forwardedFor, String forwardedProto) {
    }

    private final String name;
    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    Origin(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders().getFirst("Host"),
                        exchange.getRequestHeaders().getFirst("X-Forwarded-For"),
                        exchange.getRequestHeaders().getFirst("X-Forwarded-Proto")));
                final byte[] body = ("origin " + name).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    String name() {
        return name;
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
