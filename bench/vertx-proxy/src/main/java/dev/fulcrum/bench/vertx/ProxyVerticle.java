package dev.fulcrum.bench.vertx;

import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;

/**
 * One event loop's share of the proxy: its own upstream client and pool, and its instance of the shared listening
 * server (Vert.x hands each new client connection to one of the instances).
 */
final class ProxyVerticle extends VerticleBase {

    /** As Fulcrum keeps upstream connections (the brief's 900 s idle reuse). */
    private static final int KEEP_ALIVE_SECONDS = 900;

    private final VertxReverseProxy.ProxySettings settings;
    private final List<SocketAddress> origins;
    /** Only this verticle's event loop touches it: no atomic needed. */
    private int next;

    ProxyVerticle(VertxReverseProxy.ProxySettings settings) {
        this.settings = settings;
        this.origins = settings.origins();
    }

    @Override
    public Future<?> start() {
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(KEEP_ALIVE_SECONDS),
                new PoolOptions().setHttp1MaxSize(settings.poolSize()));
        HttpProxy proxy = HttpProxy.reverseProxy(client)
                .origin(OriginRequestProvider.selector(context -> Future.succeededFuture(nextOrigin())));
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(settings.port()))
                .requestHandler(proxy)
                .listen();
    }

    private SocketAddress nextOrigin() {
        SocketAddress origin = origins.get(next);
        next = next + 1 == origins.size() ? 0 : next + 1;
        return origin;
    }
}
