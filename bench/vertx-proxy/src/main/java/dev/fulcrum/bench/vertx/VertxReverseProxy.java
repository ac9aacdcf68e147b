package dev.fulcrum.bench.vertx;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Vert.x's reverse proxy ({@code vertx-http-proxy}) as bench/run runs it: round robin over the benchmark's origins,
 * one HTTP server and one upstream client per event loop, listening on 127.0.0.1.
 *
 * <p>Usage: {@code java -jar fulcrum-vertx-proxy.jar --port P [--event-loops N] [--pool-size N] originPort...}.
 * Prints {@code ready} once every instance listens.
 */
public final class VertxReverseProxy {

    private VertxReverseProxy() {
    }

    public static void main(String[] args) {
        ProxySettings settings;
        try {
            settings = ProxySettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vertx-proxy: " + e.getMessage());
            System.err.println("usage: --port P [--event-loops N] [--pool-size N] originPort...");
            System.exit(2);
            return;
        }
        // Exactly one event loop per verticle instance: each instance's server connections and upstream pool then
        // live on one thread, as the issue describes Vert.x's model.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.eventLoops()));
        vertx.deployVerticle(() -> new ProxyVerticle(settings),
                        new DeploymentOptions().setInstances(settings.eventLoops()))
                .onSuccess(id -> System.out.println("ready: 127.0.0.1:" + settings.port() + ", "
                        + settings.eventLoops() + " event loops, upstream pool " + settings.poolSize()
                        + " per origin and loop, origins " + settings.origins()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    /** What the command line says; every field checked. */
    record ProxySettings(int port, int eventLoops, int poolSize, List<SocketAddress> origins) {

        static ProxySettings parse(String[] args) {
            int port = -1;
            int eventLoops = 2;
            // wrk's 64 connections spread over the loops and three origins need about 11 per origin and loop; the
            // headroom keeps a burst from queueing in the pool.
            int poolSize = 64;
            List<SocketAddress> origins = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = number(args, ++i, 1, 65535);
                    case "--event-loops" -> eventLoops = number(args, ++i, 1, 256);
                    case "--pool-size" -> poolSize = number(args, ++i, 1, 100_000);
                    default -> origins.add(SocketAddress.inetSocketAddress(number(args, i, 1, 65535), "127.0.0.1"));
                }
            }
            if (port < 0) {
                throw new IllegalArgumentException("--port is required");
            }
            if (origins.isEmpty()) {
                throw new IllegalArgumentException("at least one origin port is required");
            }
            return new ProxySettings(port, eventLoops, poolSize, List.copyOf(origins));
        }

        private static int number(String[] args, int i, int min, int max) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            int value;
            try {
                value = Integer.parseInt(args[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + args[i] + "' is not a number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " is outside " + min + ".." + max);
            }
            return value;
        }
    }
}
