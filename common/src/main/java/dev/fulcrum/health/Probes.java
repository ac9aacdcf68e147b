package dev.fulcrum.health;

import dev.fulcrum.net.ConnectToResolver;
import dev.fulcrum.net.OriginTls;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * The probing machinery shared by the monitors and previews: one check = one attempt, retried immediately while it
 * times out (spec §3 {@code retries}), through the {@link ProbeGate}.
 *
 * <p>Threads, fixed whatever the number of origins: the health scheduler (also Jetty's scheduler here), a small
 * Jetty pool for the two probe clients (one selector each), one NIO.2 group thread for tcp/smtp, and a bounded pool
 * (idle threads expire) for the blocking calls the JDK leaves no alternative to: host-name lookups for tcp/smtp and
 * {@code isReachable} for icmp_ping/udp_icmp.
 *
 * <p>The second http client, which trusts every certificate ({@code allow_insecure}), is made on the first probe
 * that asks for it: most configurations have no such monitor, and Jetty warns at the start of every trust-all
 * client, which would otherwise tell every start of every node about a check nobody configured.
 */
final class Probes implements AutoCloseable {

    private static final int HTTP_THREADS = 8;
    private static final int BLOCKING_THREADS = 4;
    private static final int BLOCKING_QUEUE = 10_000;
    /**
     * Longer than the longest monitor interval (3600 s), so the destination of an origin still checked is never
     * dropped between two probes; only removed origins' destinations expire. Jetty's destination sweeper keeps them
     * in a copy-on-write list that it visits every second: with 30 s, every check of a monitor slower than that made
     * and later dropped a destination, and 30,000 origins cost seconds of CPU on the health scheduler each time
     * their destinations expired together (BENCHMARKS.md, issue 16).
     */
    private static final Duration DESTINATION_IDLE = Duration.ofHours(2);
    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(10);

    private final ProbeGate gate;
    private final QueuedThreadPool httpThreads;
    private final HttpClient verifying;
    private final ScheduledExecutorScheduler jettyScheduler;
    private final Object insecureLock = new Object();
    /** Null until the first {@code allow_insecure} probe; read without the lock on every such probe. */
    private volatile HttpClient insecure;
    /** Guarded by insecureLock: no insecure client is made once closing began. */
    private boolean closed;
    private final AsynchronousChannelGroup group;
    private final ThreadPoolExecutor blocking;
    private final HttpProbe http;
    private final TcpProbe tcp;
    private final SmtpProbe smtp;
    private final IcmpProbe icmp;
    private final UdpIcmpProbe udp;

    Probes(HealthSettings settings, ScheduledExecutorService scheduler) {
        this.gate = new ProbeGate(settings.maxConcurrentProbes());
        this.httpThreads = new QueuedThreadPool(HTTP_THREADS, 2);
        httpThreads.setName("fulcrum-health-http");
        httpThreads.setDaemon(true);
        httpThreads.setReservedThreads(0);
        this.jettyScheduler = new ScheduledExecutorScheduler(scheduler);
        this.blocking = new ThreadPoolExecutor(BLOCKING_THREADS, BLOCKING_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(BLOCKING_QUEUE), daemonThreads("fulcrum-health-blocking"));
        blocking.allowCoreThreadTimeOut(true);
        this.verifying = newClient("fulcrum-health-https", OriginTls.verifying(settings.trustStore()));
        try {
            this.group = AsynchronousChannelGroup.withFixedThreadPool(1, daemonThreads("fulcrum-health-nio"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the probe channel group", e);
        }
        final Ticker ticker = settings.ticker();
        this.http = new HttpProbe(verifying, this::insecureClient, ticker);
        final Dialer dialer = new Dialer(group, scheduler, blocking, ticker);
        this.tcp = new TcpProbe(dialer, ticker);
        this.smtp = new SmtpProbe(dialer, ticker);
        this.icmp = new IcmpProbe(blocking, ticker);
        this.udp = new UdpIcmpProbe(icmp, scheduler, blocking);
    }

    private HttpClient newClient(String name, SslContextFactory.Client tls) {
        final ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(httpThreads);
        connector.setScheduler(jettyScheduler);
        connector.setSslContextFactory(tls);
        final HttpClient client = new ProbeClient(new HttpClientTransportOverHTTP(connector));
        client.setName(name);
        client.setExecutor(httpThreads);
        client.setScheduler(jettyScheduler);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.setFollowRedirects(false);
        client.setDestinationIdleTimeout(DESTINATION_IDLE.toMillis());
        client.setSocketAddressResolver(new ConnectToResolver(
                new SocketAddressResolver.Async(httpThreads, jettyScheduler, DNS_TIMEOUT.toMillis())));
        return client;
    }

    private static void startClient(HttpClient client) throws Exception {
        client.start();
        // After start, which installs the default decoders: probes ask for no compression (the body is matched as
        // sent, and a probe has no use for it).
        client.getContentDecoderFactories().clear();
    }

    void start() throws Exception {
        httpThreads.start();
        startClient(verifying);
    }

    /**
     * The {@code allow_insecure} client, made and started by the first probe that needs it.
     *
     * @throws IllegalStateException when the probes are closed or the client cannot start
     */
    HttpClient insecureClient() {
        final HttpClient made = insecure;
        if (made != null) {
            return made;
        }
        synchronized (insecureLock) {
            if (closed) {
                throw new IllegalStateException("the health probes are stopped");
            }
            if (insecure == null) {
                // allow_insecure skips certificate validation entirely, the name check included.
                final HttpClient client = newClient("fulcrum-health-insecure", OriginTls.trustingAll());
                try {
                    startClient(client);
                } catch (Exception e) {
                    stopQuietly(client);
                    throw new IllegalStateException("cannot start the allow_insecure probe client: " + e, e);
                }
                insecure = client;
            }
            return insecure;
        }
    }

    /** Whether an {@code allow_insecure} probe has made the trust-all client (tests). */
    boolean hasInsecureClient() {
        return insecure != null;
    }

    /** Runs one check of {@code target}: its attempts, retried while they time out. Never fails exceptionally. */
    CompletableFuture<ProbeResult> check(ProbeTarget target) {
        if (target.configError() != null) {
            return CompletableFuture.completedFuture(ProbeResult.fail(FailureReason.MONITOR_CONFIG_ERROR));
        }
        return attempt(target, target.retries());
    }

    private CompletableFuture<ProbeResult> attempt(ProbeTarget target, int retriesLeft) {
        return gate.run(() -> probeFor(target).attempt(target)).thenCompose(result ->
                !result.passed() && result.reason().isTimeout() && retriesLeft > 0
                        ? attempt(target, retriesLeft - 1)
                        : CompletableFuture.completedFuture(result));
    }

    private Probe probeFor(ProbeTarget target) {
        return switch (target.type()) {
            case ProbeTarget.HTTP, ProbeTarget.HTTPS -> http;
            case ProbeTarget.TCP -> tcp;
            case ProbeTarget.SMTP -> smtp;
            case ProbeTarget.ICMP_PING -> icmp;
            case ProbeTarget.UDP_ICMP -> udp;
            default -> throw new IllegalStateException("no probe for type " + target.type());
        };
    }

    int inFlight() {
        return gate.inFlight();
    }

    @Override
    public void close() {
        stopQuietly(verifying);
        synchronized (insecureLock) {
            closed = true;
            if (insecure != null) {
                stopQuietly(insecure);
            }
        }
        stopQuietly(httpThreads);
        try {
            group.shutdownNow();
        } catch (IOException e) {
            LoggerFactory.getLogger(Probes.class).debug("stopping the channel group", e);
        }
        blocking.shutdownNow();
    }

    private static void stopQuietly(org.eclipse.jetty.util.component.LifeCycle component) {
        try {
            component.stop();
        } catch (Exception e) {
            LoggerFactory.getLogger(Probes.class).debug("stopping " + component, e);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        final AtomicInteger count = new AtomicInteger();
        return runnable -> {
            final Thread thread = new Thread(runnable, prefix + '-' + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
