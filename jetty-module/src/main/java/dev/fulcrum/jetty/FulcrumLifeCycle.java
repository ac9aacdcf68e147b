package dev.fulcrum.jetty;

import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The {@link Fulcrum} runtime (store, API token, health monitors, router, upstream client) as a Jetty bean, configured
 * from the module's {@code fulcrum.*} properties by {@code etc/fulcrum.xml} and started by the {@link FulcrumHandler}
 * that serves it.
 *
 * <p>Each setter checks its value at once, so a bad property fails the XML configuration naming the setting; the
 * location keys are checked together on start. A start that generates the API token logs it once, at INFO: only its
 * hash is stored.
 *
 * <p>The API's address is not set here: the module serves the API on its own Jetty connector (see
 * {@link FulcrumHandler}), so this runtime's API port and bind settings are unused.
 */
public final class FulcrumLifeCycle extends AbstractLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(FulcrumLifeCycle.class);

    private final FulcrumSettings.Builder settings = FulcrumSettings.builder();
    private volatile Fulcrum fulcrum;

    /** Where the configuration and the API token's hash are stored (made absolute by the XML). */
    public void setDataDir(String dir) {
        try {
            settings.dataDir(Path.of(dir));
        } catch (InvalidPathException | NullPointerException e) {
            throw new IllegalArgumentException("fulcrum.data.dir: '" + dir + "' is not a usable path", e);
        }
    }

    /**
     * The PEM file of CA certificates trusted for https origins (traffic and probes), relative to {@code base}
     * ({@code jetty.base}, as the data directory); blank keeps the JVM's default trust store. Read on start.
     */
    public void setOriginCa(String base, String file) {
        if (file == null || file.isBlank()) {
            settings.originCa(null, "fulcrum.originCa");
            return;
        }
        try {
            final Path given = Path.of(file.strip());
            settings.originCa((base == null ? given : Path.of(base).resolve(given)).normalize(), "fulcrum.originCa");
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("fulcrum.originCa: '" + file + "' is not a usable path", e);
        }
    }

    /** The admin API token; blank keeps the stored one (or generates one on the first start). */
    public void setApiToken(String token) {
        try {
            settings.apiToken(token == null || token.isBlank() ? null : token.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fulcrum.api.token: " + e.getMessage(), e);
        }
    }

    public void setPop(String value) {
        settings.location(RoutingSettings.POP_KEY, value);
    }

    public void setCountry(String value) {
        settings.location(RoutingSettings.COUNTRY_KEY, value);
    }

    public void setRegion(String value) {
        settings.location(RoutingSettings.REGION_KEY, value);
    }

    public void setLatitude(String value) {
        settings.location(RoutingSettings.LATITUDE_KEY, value);
    }

    public void setLongitude(String value) {
        settings.location(RoutingSettings.LONGITUDE_KEY, value);
    }

    public void setClientCountryHeader(String value) {
        settings.location(RoutingSettings.CLIENT_COUNTRY_HEADER_KEY, value);
    }

    public void setUpstreamConnectTimeout(String value) {
        upstream("fulcrum.upstream.connectTimeout", UpstreamSettings.CONNECT_TIMEOUT, value);
    }

    public void setUpstreamReadTimeout(String value) {
        upstream("fulcrum.upstream.readTimeout", UpstreamSettings.READ_TIMEOUT, value);
    }

    public void setUpstreamIdleTimeout(String value) {
        upstream("fulcrum.upstream.idleTimeout", UpstreamSettings.IDLE_TIMEOUT, value);
    }

    public void setUpstreamMaxConnectionsPerOrigin(String value) {
        upstream("fulcrum.upstream.maxConnectionsPerOrigin", UpstreamSettings.MAX_CONNECTIONS_PER_ORIGIN, value);
    }

    public void setUpstreamMaxQueuedPerOrigin(String value) {
        upstream("fulcrum.upstream.maxQueuedPerOrigin", UpstreamSettings.MAX_QUEUED_PER_ORIGIN, value);
    }

    public void setUpstreamReplayBufferBytes(String value) {
        upstream("fulcrum.upstream.replayBufferBytes", UpstreamSettings.REPLAY_BUFFER_BYTES, value);
    }

    /** The key signing {@code __cflb} cookies (base64); nodes that share it honour each other's cookies. */
    public void setAffinityKey(String base64) {
        try {
            settings.affinityKey(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fulcrum.affinity.key: " + e.getMessage(), e);
        }
    }

    /** The most {@code header} affinity sessions this node keeps. */
    public void setAffinitySessions(String value) {
        try {
            settings.affinitySessions(FulcrumSettings.count(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fulcrum.affinity.sessions: " + e.getMessage(), e);
        }
    }

    /**
     * The proxies in front (addresses and CIDR ranges, comma-separated) whose {@code X-Forwarded-For} names the
     * client; blank = none. Unlike Jetty's {@code http-forwarded} module, it believes only these peers.
     */
    public void setTrustedProxies(String value) {
        try {
            settings.trustedProxies(TrustedProxies.parse(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fulcrum.trustedProxies: " + e.getMessage(), e);
        }
    }

    /** {@code true} forwards client headers whose name contains {@code _} (default false: dropped). */
    public void setUnderscoresInHeaders(String value) {
        settings.underscoresInHeaders(bool("fulcrum.underscoresInHeaders", value));
    }

    /**
     * The deadline for a request's head on the server's connectors, from its first byte (nginx's
     * {@code client_header_timeout}); {@code 0} turns it off. Blank keeps the default, 60 s.
     */
    public void setHeaderTimeout(String value) {
        if (value != null && !value.isBlank()) {
            try {
                settings.headerTimeout(UpstreamSettings.parseDuration(value, true));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fulcrum.headerTimeout: '" + value + "' (expected: a duration "
                        + "such as 60s, 0 = none)", e);
            }
        }
    }

    /** The open connections allowed per client address on the server's connectors; {@code 0} (default): no cap. */
    public void setMaxConnectionsPerClient(String value) {
        if (value != null && !value.isBlank()) {
            try {
                settings.maxConnectionsPerClient(Integer.parseInt(value.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fulcrum.maxConnectionsPerClient: '" + value + "' (expected: an "
                        + "integer of at least 0)", e);
            }
        }
    }

    /** {@code true} serves {@code /metrics} on the API connector without the API token (default false). */
    public void setMetricsPublic(String value) {
        settings.metricsPublic(bool("fulcrum.metrics.public", value));
    }

    /** {@code true} logs one line per forwarded attempt on logger {@code dev.fulcrum.access} (default false). */
    public void setAccessLog(String value) {
        settings.accessLog(bool("fulcrum.accessLog", value));
    }

    /** {@code true} also publishes the meters as MBeans, domain {@code fulcrum} (default false). */
    public void setMetricsJmx(String value) {
        settings.metricsJmx(bool("fulcrum.metrics.jmx", value));
    }

    private static boolean bool(String property, String value) {
        final String text = value == null ? "" : value.strip();
        if (text.isEmpty() || "false".equalsIgnoreCase(text)) {
            return false;
        }
        if ("true".equalsIgnoreCase(text)) {
            return true;
        }
        throw new IllegalArgumentException(property + ": '" + value + "' (expected: true or false)");
    }

        private void upstream(String property, String key, String value) {
        try {
            settings.upstream(key, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(renamed(e.getMessage(), key, property), e);
        }
    }

    /** Common's messages start with its own key name; the operator wrote the Jetty property. */
    private static String renamed(String message, String key, String property) {
        return message != null && message.startsWith(key) ? property + message.substring(key.length())
                : property + ": " + message;
    }

    /** The running runtime. */
    public Fulcrum fulcrum() {
        final Fulcrum f = fulcrum;
        if (f == null) {
            throw new IllegalStateException("the Fulcrum runtime is not started");
        }
        return f;
    }

    @Override
    protected void doStart() {
        // The runtime's upstream client serves only the core proxy handler here: tuned for it, as in the standalone.
        FulcrumProxyHandler.tuneUpstream(settings);
        final FulcrumSettings built;
        try {
            built = settings.build();
        } catch (IllegalArgumentException e) {
            // Only the location is checked as a whole: its message starts with the key, e.g. "latitude: ...".
            throw new IllegalArgumentException("fulcrum.node." + e.getMessage(), e);
        }
        final Fulcrum started = new Fulcrum(built).start();
        final String token = started.generatedApiToken();
        if (token != null) {
            LOG.info("Fulcrum generated an API token; it is shown only now (its SHA-256 is in {}): {}",
                    started.apiTokenFile(), token);
        }
        LOG.info("Fulcrum started: data {}", built.dataDir().toAbsolutePath());
        fulcrum = started;
    }

    @Override
    protected void doStop() {
        final Fulcrum f = fulcrum;
        fulcrum = null;
        if (f != null) {
            f.stop();
        }
    }
}
