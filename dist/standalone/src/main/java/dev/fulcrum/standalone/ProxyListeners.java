package dev.fulcrum.standalone;

import dev.fulcrum.jetty.ClientGuards;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.tls.CertificateReloader;
import dev.fulcrum.tls.CertificateSource;
import dev.fulcrum.tls.ServerCertificates;
import dev.fulcrum.tls.TlsPolicy;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.component.Container;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The standalone's public listeners, built in this one place: the plain HTTP port (HTTP/1.1, and h2c by prior
 * knowledge or {@code Upgrade: h2c} unless turned off) and, with a TLS port, the HTTPS one (ALPN offering h2, then
 * http/1.1). The TLS one serves the certificates of {@link FulcrumSettings#tlsCertificates()}, chosen by SNI, with
 * {@link TlsPolicy}'s protocols and cipher suites, and takes changed certificate files into service through
 * {@link CertificateReloader} without closing a connection.
 *
 * <p>Both ports share one {@link HttpConfiguration} except for the TLS customizer, so a request looks the same to
 * the proxy handler whichever port and protocol brought it, apart from its scheme. Both carry the slow-client
 * guards and are drained together after SIGTERM ({@link #drain}).
 */
final class ProxyListeners {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyListeners.class);

    static final String PLAIN = "proxy";
    static final String TLS = "proxy-tls";

    private final ServerConnector plain;
    private final ServerConnector tls;
    private final SslContextFactory.Server sslContext;
    private final CertificateSource certificateSource;
    private final byte[] loadedFingerprint;
    private CertificateReloader reloader;

    private ProxyListeners(ServerConnector plain, ServerConnector tls, SslContextFactory.Server sslContext,
                           CertificateSource certificateSource, byte[] loadedFingerprint) {
        this.plain = plain;
        this.tls = tls;
        this.sslContext = sslContext;
        this.certificateSource = certificateSource;
        this.loadedFingerprint = loadedFingerprint;
    }

    /**
     * Adds the listeners to {@code server}; the TLS one's certificates are read now.
     *
     * @throws IllegalArgumentException naming the certificate file and why it cannot be used
     */
    static ProxyListeners addTo(Server server, FulcrumSettings settings) {
        final HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        final List<ConnectionFactory> plainProtocols = new ArrayList<>(List.of(new HttpConnectionFactory(http)));
        if (settings.h2c()) {
            plainProtocols.add(new HTTP2CServerConnectionFactory(http));
        }
        final ServerConnector plain = new ServerConnector(server, plainProtocols.toArray(new ConnectionFactory[0]));
        plain.setName(PLAIN);
        plain.setHost(settings.proxyBind());
        plain.setPort(settings.proxyPort());
        server.addConnector(plain);
        if (!settings.tls()) {
            return new ProxyListeners(plain, null, null, null, null).guarded(settings);
        }

        final CertificateSource source = settings.tlsCertificates();
        final byte[] fingerprint = source.fingerprint();
        final SslContextFactory.Server sslContext = sslContext(source.load());
        final HttpConfiguration https = new HttpConfiguration(http);
        https.setSecurePort(settings.tlsPort());
        final SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Routing is by Host, and a client may reach a load balancer by address with a Host of its own (health
        // checkers, tests, curl --resolve): a Host that is not the SNI name must not be a 400 here.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        final HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
        final HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        final ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(h2.getProtocol(),
                http1.getProtocol());
        alpn.setDefaultProtocol(http1.getProtocol());
        final ServerConnector tls = new ServerConnector(server, new SslConnectionFactory(sslContext,
                alpn.getProtocol()), alpn, h2, http1);
        tls.setName(TLS);
        tls.setHost(settings.proxyBind());
        tls.setPort(settings.tlsPort());
        server.addConnector(tls);
        return new ProxyListeners(plain, tls, sslContext, source, fingerprint).guarded(settings);
    }

    /**
     * The slow-client guards ({@link ClientGuards}: the header deadline, the cap per client address, counted over
     * both ports, and request handling on the selectors) and the drain's idle timeout, on every proxy port.
     */
    private ProxyListeners guarded(FulcrumSettings settings) {
        // These ports serve the proxy handler alone: their requests are handled on the selector that read them.
        ClientGuards.applyToProxyOnly(connectors(), settings.headerTimeout(), settings.maxConnectionsPerClient());
        // A drain keeps kept-alive connections open as long as it lasts, so that their next request is answered
        // (with Connection: close) rather than cut off after Jetty's default second.
        if (!settings.drain().isZero()) {
            connectors().forEach(c -> c.setShutdownIdleTimeout(settings.drain().toMillis()));
        }
        return this;
    }

    private List<ServerConnector> connectors() {
        return tls == null ? List.of(plain) : List.of(plain, tls);
    }

    /**
     * After SIGTERM: every proxy port stops accepting at once, so an L4 balancer's checks and new clients move to
     * other nodes, while requests on connections already open are still answered, each with
     * {@code Connection: close} (Jetty's connector adds it once shut down; an HTTP/2 connection gets a GOAWAY), for
     * at most {@code time}. Returns as soon as no proxy connection is left. Zero: no drain.
     */
    void drain(Duration time) {
        if (time.isZero() || !plain.isRunning()) {
            return;
        }
        // Graceful.shutdown(connector), not connector.shutdown(): the connector alone stops accepting and marks
        // HTTP/1.1 answers Connection: close, but its HTTP/2 sessions (h2 by ALPN, h2c) only get their GOAWAY from
        // the session container among the connector's beans; without it an h2 client keeps sending new streams on
        // its connection and the drain waits for its idle timeout.
        final CompletableFuture<?>[] shutdowns = connectors().stream().map(c -> Graceful.shutdown((Container) c))
                .toArray(CompletableFuture[]::new);
        // The shutdown stops a connector's acceptor by interrupting it, which closes the listening socket only when
        // the interrupt finds it inside accept(); one landing while it hands over a connection just accepted ends
        // the acceptor and leaves the port open, completing handshakes nobody serves. Close the socket outright.
        connectors().forEach(c -> IO.close((Closeable) c.getTransport()));
        try {
            CompletableFuture.allOf(shutdowns).get(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The drain's time is up: the stop closes what is left.
        } catch (ExecutionException e) {
            LOG.warn("Fulcrum: error while draining the proxy ports: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SslContextFactory.Server sslContext(ServerCertificates certificates) {
        final SslContextFactory.Server ssl = new SslContextFactory.Server();
        // The key store lives in memory only; its password guards nothing but satisfies the key store API.
        final char[] password = randomPassword();
        ssl.setKeyStore(certificates.keyStore(password));
        ssl.setKeyStorePassword(new String(password));
        ssl.setCertAlias(certificates.defaultCertificate().alias());
        ssl.setIncludeProtocols(TlsPolicy.PROTOCOLS.toArray(new String[0]));
        ssl.setIncludeCipherSuites(TlsPolicy.CIPHER_SUITES.toArray(new String[0]));
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        ssl.setUseCipherSuitesOrder(true);
        ssl.setSniRequired(false);
        return ssl;
    }

    private static char[] randomPassword() {
        final byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).toCharArray();
    }

    /** Once the server runs: watches the certificate files (if any) every {@code interval}. */
    synchronized void startReloading(Duration interval) {
        if (sslContext != null && reloader == null) {
            reloader = new CertificateReloader(certificateSource, loadedFingerprint, this::serve).start(interval);
        }
    }

    /** Loads changed certificate files now, as the poller does; true when new ones went into service. */
    synchronized boolean reloadNow() {
        return reloader != null && reloader.check();
    }

    /** Puts new certificates into service: new handshakes get them, open connections keep theirs. */
    private void serve(ServerCertificates certificates) {
        final char[] password = randomPassword();
        try {
            sslContext.reload(ssl -> {
                ssl.setKeyStore(certificates.keyStore(password));
                ssl.setKeyStorePassword(new String(password));
                ssl.setCertAlias(certificates.defaultCertificate().alias());
            });
        } catch (Exception e) {
            throw new IllegalStateException("Jetty refused the reloaded certificates: " + e, e);
        }
    }

    synchronized void stopReloading() {
        if (reloader != null) {
            reloader.close();
            reloader = null;
        }
    }

    ServerConnector plain() {
        return plain;
    }

    /** The TLS listener, or null without one. */
    ServerConnector tls() {
        return tls;
    }
}
