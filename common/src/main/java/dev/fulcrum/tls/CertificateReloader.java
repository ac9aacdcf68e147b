package dev.fulcrum.tls;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts changed certificate files into service without a restart: {@link #check()} (run every interval on a daemon
 * thread of its own once {@link #start}ed) compares the files' {@link CertificateSource#fingerprint()} with the last
 * one seen and, when they differ, loads them and hands the new set to the listener.
 *
 * <p><b>Failure.</b> Files that do not load (half-written, a key that is not the certificate's, a bad password)
 * leave the certificates in service as they are; the reason is logged once per change of the files, and the next
 * change is tried again. So writing a certificate and then its key is safe: the first poll may see a mismatch and
 * keep the old pair, the next sees the pair complete.
 *
 * <p>Why polling rather than a file watch: certificates are often mounted (Kubernetes secrets swap a symbolic link,
 * network file systems send no events); reading a few small files every few seconds is cheap and sees every kind
 * of replacement.
 *
 * <p>Thread safety: {@link #check()} is synchronized; the listener runs on the checking thread.
 */
public final class CertificateReloader implements AutoCloseable {

    /** How often the standalone looks at its certificate files. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

    private final CertificateSource source;
    private final Consumer<ServerCertificates> listener;
    private byte[] seen;
    private ScheduledExecutorService scheduler;

    /**
     * @param loaded   the fingerprint of the files the certificates in service came from, taken before they were
     *                 loaded (so a change during that load is seen by the first check)
     * @param listener puts a new set into service
     */
    public CertificateReloader(CertificateSource source, byte[] loaded, Consumer<ServerCertificates> listener) {
        this.source = Objects.requireNonNull(source, "source");
        this.seen = loaded.clone();
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Checks every {@code interval} from now on, until {@link #close()}. */
    public synchronized CertificateReloader start(Duration interval) {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
                final Thread thread = new Thread(task, "fulcrum-tls-reload");
                thread.setDaemon(true);
                return thread;
            });
            final long millis = interval.toMillis();
            scheduler.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Loads the files if they changed since the last check.
     *
     * @return true when a new set went into service
     */
    public synchronized boolean check() {
        final byte[] now = source.fingerprint();
        if (Arrays.equals(now, seen)) {
            return false;
        }
        seen = now;
        final ServerCertificates loaded;
        try {
            loaded = source.load();
        } catch (IllegalArgumentException e) {
            LOG.warn("TLS certificates changed but were not reloaded; the current ones stay in service: {}",
                    e.getMessage());
            return false;
        }
        listener.accept(loaded);
        LOG.info("TLS certificates reloaded: {}", loaded);
        return true;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // A listener that failed must not end the schedule: the next change is tried again.
            LOG.warn("TLS certificate reload failed; the current ones stay in service", e);
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
