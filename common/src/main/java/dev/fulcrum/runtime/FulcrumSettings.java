package dev.fulcrum.runtime;

import dev.fulcrum.api.BearerAuth;
import dev.fulcrum.cluster.ClusterSettings;
import dev.fulcrum.etcd.EtcdSettings;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.tls.CertificateSource;
import dev.fulcrum.upstream.UpstreamSettings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a Fulcrum runtime is started with, immutable once built: one value per row of the
 * {@link SettingsTable}, read with {@link #get}, plus the node location and upstream client settings assembled from
 * their rows.
 *
 * <p>Each host fills a {@link Builder} from its own text: the standalone with {@link #parse} (command-line options
 * over environment variables over defaults), the others by handing each value to {@link Builder#text} with the name
 * they know it by. A bad value is refused with an {@link InvalidSettingException} naming the setting as the host
 * spells it, the value and the expectation; {@link Builder#build} checks what spans several settings and names them
 * the same way.
 */
public final class FulcrumSettings {

    public static final int DEFAULT_PROXY_PORT = 8080;
    public static final String DEFAULT_PROXY_BIND = "0.0.0.0";
    public static final int DEFAULT_API_PORT = 8081;
    public static final String DEFAULT_API_BIND = "127.0.0.1";
    public static final Path DEFAULT_DATA_DIR = Path.of("fulcrum-data");
    /** nginx's {@code client_header_timeout}. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(60);
    /** Long enough for an L4 balancer's health checks or a DNS client's next lookup to move traffic elsewhere. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);
    /** Shorter tokens are refused: the admin token is the only credential of the API. */
    public static final int MIN_TOKEN_LENGTH = BearerAuth.MIN_TOKEN_LENGTH;

    /** A settings text that cannot be used; the message names the setting, the value and the expectation. */
    public static final class InvalidSettingException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        public InvalidSettingException(String message) {
            super(message);
        }
    }

    /** The access log's logger name (kept in step with {@code metrics.AccessLog.LOGGER} by a test). */
    static final String ACCESS_LOGGER = "dev.fulcrum.access";

    private final SettingHost host;
    /** Given values, relative paths resolved; a row absent here has its default. */
    private final Map<Setting<?>, Object> values;
    /** How each given value was spelled (an option, a variable, a property …), for later messages. */
    private final Map<Setting<?>, String> sources;
    private final Path baseDirectory;
    private final boolean selectorCallbacks;
    private final RoutingSettings routing;
    private final UpstreamSettings upstream;
    /** Null for a single node on its file store. */
    private final ClusterSettings cluster;

    private FulcrumSettings(Builder b, Map<Setting<?>, Object> values, RoutingSettings routing,
                            UpstreamSettings upstream, ClusterSettings cluster) {
        this.host = b.host;
        this.values = Map.copyOf(values);
        this.sources = Map.copyOf(b.sources);
        this.baseDirectory = b.baseDirectory;
        this.selectorCallbacks = b.selectorCallbacks;
        this.routing = routing;
        this.upstream = upstream;
        this.cluster = cluster;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults, with nothing from the command line or environment. */
    public static FulcrumSettings defaults() {
        return builder().build();
    }

    /**
     * The standalone's settings: environment variables, then command-line options ({@code --name value} or
     * {@code --name=value}), each overriding the previous.
     *
     * @throws InvalidSettingException for an unknown option, a missing or bad value, naming the option or variable
     */
    public static FulcrumSettings parse(List<String> args, Map<String, String> env) {
        return CommandLine.parse(args, env);
    }

    /** True when the arguments ask for the usage text. */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /** One entry per standalone option, for {@code --help}. */
    public static String optionsHelp() {
        return CommandLine.help();
    }

    /** The value of {@code setting}: as given, else its default (which may be null: off, or decided elsewhere). */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        final Object value = values.get(setting);
        return value != null ? (T) value : setting.defaultValue();
    }

    /**
     * How to name {@code setting} in a message from its consumer (a file that cannot be read on start …): every
     * spelling the host reads, e.g. {@code --origin-ca (FULCRUM_ORIGIN_CA)}, or {@code originCa} in the valve.
     */
    public String nameOf(Setting<?> setting) {
        return fullName(setting, host);
    }

    private static String fullName(Setting<?> setting, SettingHost host) {
        return host == null ? setting.name() : setting.fullName(host);
    }

    /** How to name a setting in a message about the value just read: the spelling that gave it, else every one. */
    private static String sourceOf(Setting<?> setting, SettingHost host, Map<Setting<?>, String> sources) {
        final String source = sources.get(setting);
        return source != null ? source : fullName(setting, host);
    }

    public Path dataDir() {
        return get(SettingsTable.DATA_DIR);
    }

    public int proxyPort() {
        return get(SettingsTable.PORT);
    }

    public String proxyBind() {
        return get(SettingsTable.BIND);
    }

    public int apiPort() {
        return get(SettingsTable.API_PORT);
    }

    public String apiBind() {
        return get(SettingsTable.API_BIND);
    }

    /** The admin token given explicitly, or null when the runtime should use the stored (or a generated) one. */
    public String apiToken() {
        return get(SettingsTable.API_TOKEN);
    }

    /** Whether {@code /metrics} is served without the API token. */
    public boolean metricsPublic() {
        return get(SettingsTable.METRICS_PUBLIC);
    }

    /** Whether each forwarded attempt is logged ({@code metrics.AccessLog}). */
    public boolean accessLog() {
        return get(SettingsTable.ACCESS_LOG);
    }

    /** Whether the meters are also published over JMX. */
    public boolean metricsJmx() {
        return get(SettingsTable.METRICS_JMX);
    }

    /** True when the meters are bounded by pools instead of origins ({@code --metrics-pools-only}). */
    public boolean metricsPoolsOnly() {
        return get(SettingsTable.METRICS_POOLS_ONLY);
    }

    /**
     * The session affinity key given explicitly (base64), or null when the runtime should use the data directory's
     * key file (see {@code AffinityKey#resolve}).
     */
    public String affinityKey() {
        return get(SettingsTable.AFFINITY_KEY);
    }

    /** The most {@code header} affinity sessions this node keeps. */
    public int affinitySessions() {
        return get(SettingsTable.AFFINITY_SESSIONS);
    }

    /**
     * The proxies in front whose {@code X-Forwarded-For} names the client, for wrappers whose container has no
     * restricted mechanism of its own (the Jetty core handler of the standalone and the Jetty module).
     */
    public TrustedProxies trustedProxies() {
        return get(SettingsTable.TRUSTED_PROXIES);
    }

    /**
     * The PEM file of CA certificates trusted for https origins (relative ones resolved against the host's base
     * directory), or null for the JVM's default trust store. Read once by the runtime's start, which gives the same
     * trust store to the upstream client and the health probes ({@code upstream.OriginCa}).
     */
    public Path originCa() {
        return get(SettingsTable.ORIGIN_CA);
    }

    /** How the host spells the origin CA setting, for the start's error message. */
    public String originCaSetting() {
        return nameOf(SettingsTable.ORIGIN_CA);
    }

    /**
     * The proxy listener's deadline for a request's head, from its first byte (nginx's {@code client_header_timeout});
     * zero: none. Hosts whose listener is their container's own (the valve, the WAR) use the container's settings.
     */
    public Duration headerTimeout() {
        return get(SettingsTable.HEADER_TIMEOUT);
    }

    /** The proxy listener's cap on open connections per client address; zero: none. */
    public int maxConnectionsPerClient() {
        return get(SettingsTable.MAX_CONNECTIONS_PER_CLIENT);
    }

    /**
     * How long, after a stop begins, the standalone's proxy listener keeps answering requests on connections already
     * open (each with {@code Connection: close}) while it accepts no new ones; zero: stop at once.
     */
    public Duration drain() {
        return get(SettingsTable.DRAIN);
    }

    /** This node's location and CF-Ray colo, for the router. */
    public RoutingSettings routing() {
        return routing;
    }

    /** The HTTPS proxy port (0: any free port), or -1 when there is no TLS listener. */
    public int tlsPort() {
        final Integer port = get(SettingsTable.TLS_PORT);
        return port == null ? -1 : port;
    }

    /** Whether a TLS listener is configured. */
    public boolean tls() {
        return get(SettingsTable.TLS_PORT) != null;
    }

    /**
     * Where the TLS listener's certificates come from (files as given: relative to the working directory), or null
     * without a TLS listener. Read when the listener starts, and again whenever the files change.
     */
    public CertificateSource tlsCertificates() {
        return tls() ? CertificateSource.of(get(SettingsTable.TLS_CERT), get(SettingsTable.TLS_KEY),
                get(SettingsTable.TLS_CERT_DIR), get(SettingsTable.TLS_PASSWORD)) : null;
    }

    /** Whether the plain HTTP port redirects to https rather than serving. */
    public boolean redirectHttps() {
        return get(SettingsTable.REDIRECT_HTTPS);
    }

    /** Whether the plain HTTP port also speaks HTTP/2 without TLS (h2c). */
    public boolean h2c() {
        return get(SettingsTable.H2C);
    }

    /** Timeouts and limits of the shared upstream client. */
    public UpstreamSettings upstream() {
        return upstream;
    }

    /**
     * How this node joins a cluster on etcd (ARCHITECTURE.md, "Cluster store"): from the {@code etcd-*} and
     * {@code node-name} rows, or as an embedder set it ({@link Builder#cluster}); null without etcd endpoints, for
     * a single node whose configuration lives in its data directory.
     */
    public ClusterSettings cluster() {
        return cluster;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The settings without the secrets, safe to log. */
    @Override
    public String toString() {
        final Path originCa = originCa();
        return "FulcrumSettings[dataDir=" + dataDir() + ", proxy=" + proxyBind() + ':' + proxyPort() + ", api="
                + apiBind() + ':' + apiPort() + ", apiToken=" + (apiToken() == null ? "(stored)" : "(given)")
                + ", affinityKey=" + (affinityKey() == null ? "(stored)" : "(given)") + ", affinitySessions="
                + affinitySessions() + ", trustedProxies=[" + trustedProxies() + "], originCa="
                + (originCa == null ? "(JVM)" : originCa) + ", tls=" + (tls() ? proxyBind() + ':' + tlsPort() + " "
                + tlsCertificates() : "off") + ", redirectHttps=" + redirectHttps() + ", h2c=" + h2c()
                + ", metricsPublic=" + metricsPublic() + ", accessLog="
                + accessLog() + ", metricsJmx=" + metricsJmx() + ", metricsPoolsOnly=" + metricsPoolsOnly()
                + (cluster == null ? "" : ", cluster=" + cluster.etcd() + " prefix " + cluster.prefix() + " node "
                        + cluster.nodeName()) + ']';
    }

    /**
     * Builds settings. Values given in code ({@link #set} and the typed methods) are checked at once by their row's
     * type and throw {@link IllegalArgumentException}; text ({@link #text}) throws {@link InvalidSettingException}
     * naming the setting as the host spells it.
     */
    public static final class Builder {

        private SettingHost host;
        private Path baseDirectory;
        private boolean selectorCallbacks;
        private ClusterSettings cluster;
        private final Map<Setting<?>, Object> values = new HashMap<>();
        private final Map<Setting<?>, String> sources = new HashMap<>();

        private Builder() {
        }

        private Builder(FulcrumSettings s) {
            this.host = s.host;
            this.baseDirectory = s.baseDirectory;
            this.selectorCallbacks = s.selectorCallbacks;
            this.cluster = s.cluster == null || s.get(SettingsTable.ETCD_ENDPOINTS) != null ? null : s.cluster;
            this.values.putAll(s.values);
            this.sources.putAll(s.sources);
        }

        /** Which host the text comes from: names settings its way in messages ({@link Setting#fullName}). */
        public Builder host(SettingHost host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The directory relative paths (data directory, origin CA file …) are under: {@code jetty.base},
         * {@code catalina.base}; none (the standalone) leaves them relative to the working directory.
         */
        public Builder baseDirectory(Path dir) {
            this.baseDirectory = dir;
            return this;
        }

        /**
         * Sets a value given in code; null restores the default.
         *
         * @throws IllegalArgumentException when the row's type refuses the value
         */
        public <T> Builder set(Setting<T> setting, T value) {
            if (value == null) {
                return unset(setting);
            }
            setting.type().check(value);
            values.put(setting, value);
            sources.remove(setting);
            return this;
        }

        /** Back to the default. */
        public Builder unset(Setting<?> setting) {
            values.remove(setting);
            sources.remove(setting);
            return this;
        }

        /**
         * Sets a value from text a host was given: null means not given (nothing changes), blank means the default
         * (an empty ini value, attribute or variable), anything else is read by the row's type.
         *
         * @param source how the operator wrote the setting, e.g. {@code fulcrum.upstream.connectTimeout}
         * @throws InvalidSettingException naming {@code source}, the value and the expectation
         */
        public Builder text(Setting<?> setting, String text, String source) {
            if (text == null) {
                return this;
            }
            if (text.isBlank()) {
                return unset(setting);
            }
            return parsed(setting, text, source);
        }

        /** As {@link #text}, but a blank value goes to the row's type too (the command line's rule). */
        Builder parsed(Setting<?> setting, String text, String source) {
            final Object value;
            try {
                value = setting.parse(text);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(source + ": " + e.getMessage());
            }
            if (value == null) {
                return unset(setting);
            }
            values.put(setting, value);
            sources.put(setting, source);
            return this;
        }

        /**
         * Reads the {@code FULCRUM_*} variables of the rows the {@linkplain #host host} reads from the environment;
         * a value in the variable of a row the host refuses ({@link Setting.Spelling#refused}) is refused.
         *
         * @throws InvalidSettingException naming the variable
         */
        public Builder environment(Map<String, String> environment) {
            final SettingHost reader = Objects.requireNonNull(host, "host");
            for (Setting<?> setting : SettingsTable.ALL) {
                if (!setting.environmentReadBy(reader)) {
                    continue;
                }
                final String value = environment.get(setting.environmentVariable());
                if (!setting.offeredBy(reader)) {
                    if (value != null && !value.isBlank()) {
                        throw notOffered(setting);
                    }
                } else {
                    text(setting, value, setting.environmentVariable());
                }
            }
            return this;
        }

        /**
         * The refusal of a setting the {@linkplain #host host} does not offer, naming what it has instead.
         */
        public InvalidSettingException notOffered(Setting<?> setting) {
            final SettingHost reader = Objects.requireNonNull(host, "host");
            final String why = setting.spelling(reader) instanceof Setting.Spelling.Absent absent ? absent.why() : "";
            return new InvalidSettingException(setting.fullName(reader) + ": not used by " + reader.title() + " ("
                    + why + ")");
        }

        /**
         * For hosts that never block in the upstream client's callbacks (all of them: the Jetty core handler, the
         * proxy servlet, the Tomcat valve): the callbacks run on the client's selectors
         * ({@link UpstreamSettings#nonBlocking()}), one selector per CPU unless a setting says otherwise. With the
         * single default selector that one thread was the bottleneck: two selectors on two CPUs served about 25 %
         * more requests per second at less CPU per request in the side-by-side benchmark (BENCHMARKS.md); more than
         * one per CPU gained nothing.
         */
        public Builder selectorCallbacks() {
            this.selectorCallbacks = true;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            return set(SettingsTable.DATA_DIR, Objects.requireNonNull(dataDir, "dataDir"));
        }

        public Builder proxyPort(int port) {
            return set(SettingsTable.PORT, port);
        }

        public Builder proxyBind(String host) {
            return set(SettingsTable.BIND, Objects.requireNonNull(host, "host"));
        }

        public Builder apiPort(int port) {
            return set(SettingsTable.API_PORT, port);
        }

        public Builder apiBind(String host) {
            return set(SettingsTable.API_BIND, Objects.requireNonNull(host, "host"));
        }

        /** @param token the admin token, or null to use the stored one (generated on first start) */
        public Builder apiToken(String token) {
            return set(SettingsTable.API_TOKEN, token);
        }

        /**
         * @param base64 the session affinity key shared by the nodes, or null (or blank) to use the data directory's
         *               key file
         */
        public Builder affinityKey(String base64) {
            return set(SettingsTable.AFFINITY_KEY, base64 == null || base64.isBlank() ? null : base64.strip());
        }

        /** @param max the most {@code header} affinity sessions the node keeps, at least 1 */
        public Builder affinitySessions(int max) {
            return set(SettingsTable.AFFINITY_SESSIONS, max);
        }

        /** The proxies whose {@code X-Forwarded-For} is believed (default {@link TrustedProxies#NONE}). */
        public Builder trustedProxies(TrustedProxies proxies) {
            return set(SettingsTable.TRUSTED_PROXIES, Objects.requireNonNull(proxies, "trustedProxies"));
        }

        /**
         * @param file the PEM file of CA certificates trusted for https origins, or null for the JVM's default trust
         *             store; read when the runtime starts
         */
        public Builder originCa(Path file) {
            return set(SettingsTable.ORIGIN_CA, file);
        }

        /**
         * Joins the cluster {@code settings} describe, whatever the {@code etcd-*} rows say (for embedders and tests
         * that need timings the rows do not offer); null goes back to the rows.
         */
        public Builder cluster(ClusterSettings settings) {
            this.cluster = settings;
            return this;
        }

        /** Serve {@code /metrics} without the API token (default false). */
        public Builder metricsPublic(boolean open) {
            return set(SettingsTable.METRICS_PUBLIC, open);
        }

        /** Log one line per forwarded attempt (default false). */
        public Builder accessLog(boolean enabled) {
            return set(SettingsTable.ACCESS_LOG, enabled);
        }

        /** Also publish the meters over JMX (default false). */
        /** Bounds the meters by pools instead of origins (see {@code FulcrumMetrics}). */
        public Builder metricsPoolsOnly(boolean enabled) {
            return set(SettingsTable.METRICS_POOLS_ONLY, enabled);
        }

        public Builder metricsJmx(boolean enabled) {
            return set(SettingsTable.METRICS_JMX, enabled);
        }

        /**
         * Checks what spans several settings (the node location as a whole, the upstream client's threads) and
         * resolves relative paths against the base directory.
         *
         * @throws InvalidSettingException naming the settings at fault as the host spells them
         */
        public FulcrumSettings build() {
            final Map<Setting<?>, Object> resolved = new HashMap<>(values);
            if (baseDirectory != null) {
                for (Setting<?> setting : SettingsTable.ALL) {
                    if (setting.type() == SettingType.PATH) {
                        final Object path = resolved.getOrDefault(setting, setting.defaultValue());
                        if (path != null) {
                            resolved.put(setting, baseDirectory.resolve((Path) path).normalize());
                        }
                    }
                }
            }
            checkTls();
            final RoutingSettings routing = routing();
            return new FulcrumSettings(this, resolved, routing, upstream(), cluster != null ? cluster
                    : cluster(resolved, routing));
        }

        /** The value so far (as given, relative paths not yet resolved), else the default; nothing is checked. */
        @SuppressWarnings("unchecked")
        public <T> T get(Setting<T> setting) {
            final Object value = values.get(setting);
            return value != null ? (T) value : setting.defaultValue();
        }

        /** The TLS settings that only work together, named as the host spells them. */
        private void checkTls() {
            final boolean port = get(SettingsTable.TLS_PORT) != null;
            final boolean certificates = get(SettingsTable.TLS_CERT) != null || get(SettingsTable.TLS_CERT_DIR) != null;
            if (port && !certificates) {
                throw new InvalidSettingException(name(SettingsTable.TLS_PORT) + ": needs a certificate (expected: "
                        + name(SettingsTable.TLS_CERT) + " or " + name(SettingsTable.TLS_CERT_DIR) + ")");
            }
            if (!port && certificates) {
                throw new InvalidSettingException(name(get(SettingsTable.TLS_CERT) != null ? SettingsTable.TLS_CERT
                        : SettingsTable.TLS_CERT_DIR) + ": no TLS listener to use it (expected: "
                        + name(SettingsTable.TLS_PORT) + " as well)");
            }
            if (get(SettingsTable.TLS_KEY) != null && get(SettingsTable.TLS_CERT) == null) {
                throw new InvalidSettingException(name(SettingsTable.TLS_KEY) + ": a key without its certificate "
                        + "(expected: " + name(SettingsTable.TLS_CERT) + " as well)");
            }
            if (get(SettingsTable.REDIRECT_HTTPS) && !port) {
                throw new InvalidSettingException(name(SettingsTable.REDIRECT_HTTPS) + ": nowhere to redirect to "
                        + "(expected: " + name(SettingsTable.TLS_PORT) + " as well)");
            }
        }

        private String name(Setting<?> setting) {
            return sourceOf(setting, host, sources);
        }

        private RoutingSettings routing() {
            try {
                return RoutingSettings.from(key -> get(SettingsTable.LOCATION.get(key)))
                        .withUnderscoresInHeaders(get(SettingsTable.UNDERSCORES_IN_HEADERS));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(locationMessage(e.getMessage()));
            }
        }

        /** RoutingSettings' messages start with its keys ({@code latitude/longitude: …}): the host's names instead. */
        private String locationMessage(String message) {
            final int colon = message.indexOf(": ");
            if (colon > 0) {
                final List<String> names = new ArrayList<>();
                for (String key : message.substring(0, colon).split("/")) {
                    final Setting<String> setting = SettingsTable.LOCATION.get(key);
                    if (setting == null) {
                        return "node location: " + message;
                    }
                    names.add(sourceOf(setting, host, sources));
                }
                return String.join("/", names) + message.substring(colon);
            }
            return "node location: " + message;
        }

        /** The cluster the {@code etcd-*} rows describe, or null without endpoints; checks what goes together. */
        private ClusterSettings cluster(Map<Setting<?>, Object> resolved, RoutingSettings routing) {
            final List<URI> endpoints = get(SettingsTable.ETCD_ENDPOINTS);
            final List<Setting<?>> needEndpoints = List.of(SettingsTable.NODE_NAME, SettingsTable.ETCD_USER,
                    SettingsTable.ETCD_PASSWORD, SettingsTable.ETCD_CA, SettingsTable.ETCD_CERT,
                    SettingsTable.ETCD_KEY);
            if (endpoints == null) {
                for (Setting<?> setting : needEndpoints) {
                    if (values.containsKey(setting)) {
                        throw new InvalidSettingException(sourceOf(setting, host, sources) + ": given without "
                                + fullName(SettingsTable.ETCD_ENDPOINTS, host) + " (expected: the etcd endpoints of "
                                + "the cluster this node joins)");
                    }
                }
                return null;
            }
            pair(SettingsTable.ETCD_USER, SettingsTable.ETCD_PASSWORD);
            pair(SettingsTable.ETCD_CERT, SettingsTable.ETCD_KEY);
            final boolean https = endpoints.get(0).getScheme().equals("https");
            for (Setting<?> setting : List.of(SettingsTable.ETCD_CA, SettingsTable.ETCD_CERT)) {
                if (!https && values.containsKey(setting)) {
                    throw new InvalidSettingException(sourceOf(setting, host, sources) + ": a TLS file for "
                            + fullName(SettingsTable.ETCD_ENDPOINTS, host) + " that are not https:// (expected: "
                            + "https:// endpoints)");
                }
            }
            final EtcdSettings etcd;
            try {
                etcd = EtcdSettings.of(endpoints)
                        .withAuthentication(get(SettingsTable.ETCD_USER), get(SettingsTable.ETCD_PASSWORD))
                        .withTls((Path) resolved.get(SettingsTable.ETCD_CA), (Path) resolved.get(SettingsTable.ETCD_CERT),
                                (Path) resolved.get(SettingsTable.ETCD_KEY));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(sourceOf(SettingsTable.ETCD_ENDPOINTS, host, sources) + ": "
                        + e.getMessage());
            }
            final String node = get(SettingsTable.NODE_NAME);
            try {
                return new ClusterSettings(etcd, get(SettingsTable.ETCD_PREFIX), node != null ? node
                        : ClusterSettings.defaultNodeName(routing.pop()), get(SettingsTable.ETCD_LEASE_TTL),
                        ClusterSettings.DEFAULT_FIRST_READ, ClusterSettings.DEFAULT_WRITE_TIMEOUT);
            } catch (IllegalArgumentException e) {
                final Setting<?> at = e.getMessage().startsWith("lease") ? SettingsTable.ETCD_LEASE_TTL
                        : SettingsTable.NODE_NAME;
                throw new InvalidSettingException(sourceOf(at, host, sources) + ": " + e.getMessage());
            }
        }

        /** Two settings given together or not at all. */
        private void pair(Setting<?> a, Setting<?> b) {
            if (values.containsKey(a) != values.containsKey(b)) {
                final Setting<?> given = values.containsKey(a) ? a : b;
                final Setting<?> missing = given == a ? b : a;
                throw new InvalidSettingException(sourceOf(given, host, sources) + ": given without "
                        + fullName(missing, host) + " (expected: both, or neither)");
            }
        }

        private UpstreamSettings upstream() {
            final Integer given = get(SettingsTable.UPSTREAM_SELECTORS);
            final int selectors = given != null ? given
                    : selectorCallbacks ? Runtime.getRuntime().availableProcessors()
                    : UpstreamSettings.DEFAULTS.selectors();
            final int maxThreads = get(SettingsTable.UPSTREAM_MAX_THREADS);
            // Jetty's client needs a few threads for its selectors and the reserved pool before it can run a task.
            if (maxThreads < selectors + 4) {
                throw new InvalidSettingException(sourceOf(SettingsTable.UPSTREAM_MAX_THREADS, host, sources) + ": "
                        + maxThreads + " (expected: at least " + (selectors + 4) + ", the selectors plus 4)");
            }
            return new UpstreamSettings(get(SettingsTable.UPSTREAM_CONNECT_TIMEOUT),
                    get(SettingsTable.UPSTREAM_READ_TIMEOUT), get(SettingsTable.UPSTREAM_IDLE_TIMEOUT),
                    get(SettingsTable.UPSTREAM_MAX_CONNECTIONS), get(SettingsTable.UPSTREAM_MAX_QUEUED),
                    get(SettingsTable.UPSTREAM_REPLAY_BUFFER), selectors, maxThreads, selectorCallbacks, null,
                    get(SettingsTable.UPSTREAM_CLIENT));
        }
    }
}
