package dev.fulcrum.runtime;

import dev.fulcrum.affinity.AffinityKey;
import dev.fulcrum.affinity.SessionStore;
import dev.fulcrum.api.BearerAuth;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.upstream.UpstreamSettings;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Everything a Fulcrum runtime is started with, immutable once built.
 *
 * <p>Text settings are parsed here and only here ({@link #parse}): command-line options override environment
 * variables, which override the defaults. A bad value is refused with a message naming the option (or variable),
 * the value and what was expected. To add a setting: a field, a builder method that validates, and one
 * {@link Option} row in {@link #OPTIONS}.
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

    /** A settings text that cannot be used; the message names the option, the value and the expectation. */
    public static final class InvalidSettingException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        public InvalidSettingException(String message) {
            super(message);
        }
    }

    /** The access log's logger name (kept in step with {@code metrics.AccessLog.LOGGER} by a test). */
    static final String ACCESS_LOGGER = "dev.fulcrum.access";

    /**
     * One text setting: its command-line flag, environment variable and how it sets the builder. A null
     * {@code valueName} makes a switch: {@code --flag} alone means true, {@code --flag=false} turns it off.
     */
    private record Option(String flag, String env, String valueName, String help,
                          BiConsumer<Builder, String> apply) {
    }

    private static final List<Option> OPTIONS = List.of(
            new Option("--port", "FULCRUM_PORT", "PORT",
                    "proxy (load balancer) port, 0 = any free port (default " + DEFAULT_PROXY_PORT + ")",
                    (b, v) -> b.proxyPort(port(v))),
            new Option("--bind", "FULCRUM_BIND", "HOST",
                    "address the proxy listens on (default " + DEFAULT_PROXY_BIND + ")",
                    Builder::proxyBind),
            new Option("--api-port", "FULCRUM_API_PORT", "PORT",
                    "REST API port, 0 = any free port (default " + DEFAULT_API_PORT + ")",
                    (b, v) -> b.apiPort(port(v))),
            new Option("--api-bind", "FULCRUM_API_BIND", "HOST",
                    "address the REST API listens on (default " + DEFAULT_API_BIND + ")",
                    Builder::apiBind),
            new Option("--data-dir", "FULCRUM_DATA_DIR", "DIR",
                    "where configuration and the API token hash are stored (default ./" + DEFAULT_DATA_DIR + ")",
                    (b, v) -> b.dataDir(path(v))),
            new Option("--api-token", "FULCRUM_API_TOKEN", "TOKEN",
                    "admin API token (" + MIN_TOKEN_LENGTH + "+ chars of A-Z a-z 0-9 - . _ ~ + /); replaces the "
                            + "stored one. Without it, the first start generates one and prints it once",
                    Builder::apiToken),
            new Option("--pop", "FULCRUM_POP", "CODE",
                    "this node's PoP code for geo steering (pop_pools) and CF-Ray, e.g. LAX (default: none)",
                    (b, v) -> b.location(RoutingSettings.POP_KEY, v)),
            new Option("--country", "FULCRUM_COUNTRY", "CC",
                    "this node's ISO-3166 country for geo steering, e.g. US (default: none)",
                    (b, v) -> b.location(RoutingSettings.COUNTRY_KEY, v)),
            new Option("--region", "FULCRUM_REGION", "REGION",
                    "this node's region code, e.g. WNAM (default: the country's region)",
                    (b, v) -> b.location(RoutingSettings.REGION_KEY, v)),
            new Option("--latitude", "FULCRUM_LATITUDE", "DEG",
                    "this node's latitude for proximity steering (default: none)",
                    (b, v) -> b.location(RoutingSettings.LATITUDE_KEY, v)),
            new Option("--longitude", "FULCRUM_LONGITUDE", "DEG",
                    "this node's longitude for proximity steering (default: none)",
                    (b, v) -> b.location(RoutingSettings.LONGITUDE_KEY, v)),
            new Option("--client-country-header", "FULCRUM_CLIENT_COUNTRY_HEADER", "NAME",
                    "a request header trusted to carry the client's country, e.g. CF-IPCountry (default: off)",
                    (b, v) -> b.location(RoutingSettings.CLIENT_COUNTRY_HEADER_KEY, v)),
            new Option("--trusted-proxies", "FULCRUM_TRUSTED_PROXIES", "CIDRS",
                    "proxies in front (addresses or CIDR ranges, comma-separated, e.g. 10.0.0.0/8) whose "
                            + "X-Forwarded-For names the client: the rightmost address not in the list (default: "
                            + "none, the connecting peer is the client)",
                    (b, v) -> b.trustedProxies(TrustedProxies.parse(v))),
            new Option("--upstream-connect-timeout", "FULCRUM_UPSTREAM_CONNECT_TIMEOUT", "DURATION",
                    "origin connect timeout, then 522 (default 19s)",
                    (b, v) -> b.upstream(UpstreamSettings.CONNECT_TIMEOUT, v)),
            new Option("--upstream-read-timeout", "FULCRUM_UPSTREAM_READ_TIMEOUT", "DURATION",
                    "time to the origin's first response byte, then 524 (default 100s)",
                    (b, v) -> b.upstream(UpstreamSettings.READ_TIMEOUT, v)),
            new Option("--upstream-idle-timeout", "FULCRUM_UPSTREAM_IDLE_TIMEOUT", "DURATION",
                    "how long an idle origin connection is kept for reuse (default 900s)",
                    (b, v) -> b.upstream(UpstreamSettings.IDLE_TIMEOUT, v)),
            new Option("--upstream-max-connections", "FULCRUM_UPSTREAM_MAX_CONNECTIONS", "N",
                    "connection limit per origin (default " + UpstreamSettings.DEFAULTS.maxConnectionsPerOrigin()
                            + ")",
                    (b, v) -> b.upstream(UpstreamSettings.MAX_CONNECTIONS_PER_ORIGIN, v)),
            new Option("--upstream-max-queued", "FULCRUM_UPSTREAM_MAX_QUEUED", "N",
                    "requests queued per origin while all its connections are busy (default "
                            + UpstreamSettings.DEFAULTS.maxQueuedPerOrigin() + ")",
                    (b, v) -> b.upstream(UpstreamSettings.MAX_QUEUED_PER_ORIGIN, v)),
            new Option("--upstream-replay-buffer", "FULCRUM_UPSTREAM_REPLAY_BUFFER", "BYTES",
                    "request bodies up to this size are buffered so failover can replay them (default "
                            + UpstreamSettings.DEFAULTS.replayBufferBytes() + ")",
                    (b, v) -> b.upstream(UpstreamSettings.REPLAY_BUFFER_BYTES, v)),
            new Option("--origin-ca", "FULCRUM_ORIGIN_CA", "FILE",
                    "PEM file of the CA certificates trusted for https origins, by traffic and health probes alike; "
                            + "replaces the JVM's default trust store for origins (default: the JVM's)",
                    (b, v) -> b.originCa(v.isBlank() ? null : path(v.strip()), "--origin-ca (FULCRUM_ORIGIN_CA)")),
            new Option("--metrics-public", "FULCRUM_METRICS_PUBLIC", null,
                    "serve /metrics on the API port without the API token (default: the token is required)",
                    (b, v) -> b.metricsPublic(bool(v))),
            new Option("--access-log", "FULCRUM_ACCESS_LOG", null,
                    "log one line per forwarded attempt at INFO on logger " + ACCESS_LOGGER + " (default: off)",
                    (b, v) -> b.accessLog(bool(v))),
            new Option("--metrics-jmx", "FULCRUM_METRICS_JMX", null,
                    "also publish the meters as MBeans (domain fulcrum) in the platform MBean server (default: off)",
                    (b, v) -> b.metricsJmx(bool(v))),
            new Option("--affinity-key", "FULCRUM_AFFINITY_KEY", "BASE64",
                    "key signing session affinity cookies (base64 of " + AffinityKey.MIN_BYTES + "+ random bytes); "
                            + "give every node the same one. Without it the data directory's "
                            + AffinityKey.FILE_NAME + " is used, created on the first start",
                    Builder::affinityKey),
            new Option("--underscores-in-headers", "FULCRUM_UNDERSCORES_IN_HEADERS", null,
                    "forward client headers whose name contains '_' (default: dropped, as nginx does, so an origin "
                            + "that reads '_' as '-' cannot be smuggled a header the proxy never checked)",
                    (b, v) -> b.underscoresInHeaders(bool(v))),
            new Option("--header-timeout", "FULCRUM_HEADER_TIMEOUT", "DURATION",
                    "proxy listener: the most a request's head (request line and headers) may take from its first "
                            + "byte, then the connection is closed; 0 = none (default "
                            + DEFAULT_HEADER_TIMEOUT.toSeconds() + "s)",
                    (b, v) -> b.headerTimeout(UpstreamSettings.parseDuration(v, true))),
            new Option("--max-connections-per-client", "FULCRUM_MAX_CONNECTIONS_PER_CLIENT", "N",
                    "proxy listener: open connections allowed per client address, more are closed at once; 0 = no "
                            + "cap (default 0; behind another proxy every client has the proxy's address)",
                    (b, v) -> b.maxConnectionsPerClient(nonNegative(v))),
            new Option("--drain", "FULCRUM_DRAIN", "DURATION",
                    "after SIGTERM: the proxy port stops accepting and, for at most this long, requests on open "
                            + "connections are still answered, with Connection: close (default "
                            + DEFAULT_DRAIN.toSeconds() + "s; ends early once no connection is left)",
                    (b, v) -> b.drain(UpstreamSettings.parseDuration(v, true))),
            new Option("--affinity-sessions", "FULCRUM_AFFINITY_SESSIONS", "N",
                    "header affinity sessions kept by this node (default " + SessionStore.DEFAULT_MAX_SESSIONS
                            + "); beyond it the least recently used go first",
                    (b, v) -> b.affinitySessions(count(v))));

    private final Path dataDir;
    private final int proxyPort;
    private final String proxyBind;
    private final int apiPort;
    private final String apiBind;
    private final String apiToken;
    private final boolean metricsPublic;
    private final boolean accessLog;
    private final boolean metricsJmx;
    private final String affinityKey;
    private final int affinitySessions;
    private final TrustedProxies trustedProxies;
    private final Path originCa;
    private final String originCaSetting;
    private final Duration headerTimeout;
    private final int maxConnectionsPerClient;
    private final Duration drain;
    private final RoutingSettings routing;
    private final UpstreamSettings upstream;
    /** The text the two above were read from, so {@link #toBuilder()} can carry it over. */
    private final Map<String, String> locationText;
    private final Map<String, String> upstreamText;

    private FulcrumSettings(Builder b, RoutingSettings routing, UpstreamSettings upstream) {
        this.dataDir = b.dataDir;
        this.proxyPort = b.proxyPort;
        this.proxyBind = b.proxyBind;
        this.apiPort = b.apiPort;
        this.apiBind = b.apiBind;
        this.apiToken = b.apiToken;
        this.metricsPublic = b.metricsPublic;
        this.accessLog = b.accessLog;
        this.metricsJmx = b.metricsJmx;
        this.affinityKey = b.affinityKey;
        this.affinitySessions = b.affinitySessions;
        this.trustedProxies = b.trustedProxies;
        this.originCa = b.originCa;
        this.originCaSetting = b.originCaSetting;
        this.headerTimeout = b.headerTimeout;
        this.maxConnectionsPerClient = b.maxConnectionsPerClient;
        this.drain = b.drain;
        this.routing = routing;
        this.upstream = upstream;
        this.locationText = Map.copyOf(b.location);
        this.upstreamText = Map.copyOf(b.upstream);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults, with nothing from the command line or environment. */
    public static FulcrumSettings defaults() {
        return builder().build();
    }

    /**
     * Reads settings from environment variables, then command-line options ({@code --name value} or
     * {@code --name=value}), each overriding the previous.
     *
     * @throws InvalidSettingException for an unknown option, a missing or bad value
     */
    public static FulcrumSettings parse(List<String> args, Map<String, String> env) {
        final Builder b = builder();
        for (Option option : OPTIONS) {
            final String value = env.get(option.env());
            if (value != null && !value.isEmpty()) {
                apply(b, option, option.env(), value);
            }
        }
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            final int eq = arg.indexOf('=');
            final String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            final Option option = OPTIONS.stream().filter(o -> o.flag().equals(flag)).findFirst().orElse(null);
            if (option == null) {
                throw new InvalidSettingException("unknown option '" + arg + "' (see --help)");
            }
            final String value;
            if (eq > 0 && arg.startsWith("--")) {
                value = arg.substring(eq + 1);
            } else if (option.valueName() == null) {
                value = "true";
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new InvalidSettingException(flag + ": needs a value " + option.valueName());
            }
            apply(b, option, flag, value);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("node location: " + e.getMessage());
        }
    }

    /** True when the arguments ask for the usage text. */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /** One line per option, for {@code --help}. */
    public static String optionsHelp() {
        final StringBuilder sb = new StringBuilder();
        for (Option o : OPTIONS) {
            final String usage = o.valueName() == null ? o.flag() : o.flag() + ' ' + o.valueName();
            sb.append(String.format("  %-22s %s%n      env %s%n", usage, o.help(), o.env()));
        }
        return sb.toString();
    }

    private static void apply(Builder b, Option option, String source, String value) {
        try {
            option.apply().accept(b, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(source + ": " + e.getMessage());
        }
    }

    private static int port(String value) {
        try {
            final int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + value + "' is not a port number (expected: 0-65535)");
    }

    private static boolean bool(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("'" + value + "' is not a switch value (expected: true or "
                    + "false)");
        };
    }

    /**
     * Reads a count of at least 1 from text (ini properties, valve attributes).
     *
     * @throws IllegalArgumentException naming the value and the expectation
     */
    public static int count(String value) {
        try {
            final int n = Integer.parseInt(value == null ? "" : value.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + value + "' is not a count (expected: an integer of at least 1)");
    }

    private static int nonNegative(String value) {
        try {
            final int n = Integer.parseInt(value == null ? "" : value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + value + "' is not a count (expected: an integer of at least 0)");
    }

    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + value + "' is not a usable path (" + e.getReason() + ")");
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public int proxyPort() {
        return proxyPort;
    }

    public String proxyBind() {
        return proxyBind;
    }

    public int apiPort() {
        return apiPort;
    }

    public String apiBind() {
        return apiBind;
    }

    /** The admin token given explicitly, or null when the runtime should use the stored (or a generated) one. */
    public String apiToken() {
        return apiToken;
    }

    /** Whether {@code /metrics} is served without the API token. */
    public boolean metricsPublic() {
        return metricsPublic;
    }

    /** Whether each forwarded attempt is logged ({@code metrics.AccessLog}). */
    public boolean accessLog() {
        return accessLog;
    }

    /** Whether the meters are also published over JMX. */
    public boolean metricsJmx() {
        return metricsJmx;
    }

    /**
     * The session affinity key given explicitly (base64), or null when the runtime should use the data directory's
     * key file (see {@link AffinityKey#resolve}).
     */
    public String affinityKey() {
        return affinityKey;
    }

    /** The most {@code header} affinity sessions this node keeps. */
    public int affinitySessions() {
        return affinitySessions;
    }

    /**
     * The proxies in front whose {@code X-Forwarded-For} names the client, for wrappers whose container has no
     * restricted mechanism of its own (the Jetty core handler of the standalone and the Jetty module).
     */
    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /**
     * The PEM file of CA certificates trusted for https origins (as given: a host resolves a relative one against its
     * base directory), or null for the JVM's default trust store. Read once by the runtime's start, which gives the
     * same trust store to the upstream client and the health probes ({@code upstream.OriginCa}).
     */
    public Path originCa() {
        return originCa;
    }

    /** How the host spells the origin CA setting, for the start's error message. */
    public String originCaSetting() {
        return originCaSetting;
    }

    /**
     * The proxy listener's deadline for a request's head, from its first byte (nginx's {@code client_header_timeout});
     * zero: none. Hosts whose listener is their container's own (the valve, the WAR) use the container's settings.
     */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** The proxy listener's cap on open connections per client address; zero: none. */
    public int maxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    /**
     * How long, after a stop begins, the standalone's proxy listener keeps answering requests on connections already
     * open (each with {@code Connection: close}) while it accepts no new ones; zero: stop at once.
     */
    public Duration drain() {
        return drain;
    }

    /** This node's location and CF-Ray colo, for the router. */
    public RoutingSettings routing() {
        return routing;
    }

    /** Timeouts and limits of the shared upstream client. */
    public UpstreamSettings upstream() {
        return upstream;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The settings without the token, safe to log. */
    @Override
    public String toString() {
        return "FulcrumSettings[dataDir=" + dataDir + ", proxy=" + proxyBind + ':' + proxyPort + ", api=" + apiBind
                + ':' + apiPort + ", apiToken=" + (apiToken == null ? "(stored)" : "(given)") + ", affinityKey="
                + (affinityKey == null ? "(stored)" : "(given)") + ", affinitySessions=" + affinitySessions
                + ", trustedProxies=[" + trustedProxies + "], originCa=" + (originCa == null ? "(JVM)" : originCa)
                + ", underscoresInHeaders=" + routing.underscoresInHeaders() + ", headerTimeout=" + headerTimeout
                + ", maxConnectionsPerClient=" + maxConnectionsPerClient + ", drain=" + drain
                + ", metricsPublic=" + metricsPublic + ", accessLog="
                + accessLog + ", metricsJmx=" + metricsJmx + ']';
    }

    /** Builds settings; every method validates its value and throws {@link IllegalArgumentException} saying why. */
    public static final class Builder {

        private Path dataDir = DEFAULT_DATA_DIR;
        private int proxyPort = DEFAULT_PROXY_PORT;
        private String proxyBind = DEFAULT_PROXY_BIND;
        private int apiPort = DEFAULT_API_PORT;
        private String apiBind = DEFAULT_API_BIND;
        private String apiToken;
        private boolean metricsPublic;
        private boolean accessLog;
        private boolean metricsJmx;
        private String affinityKey;
        private int affinitySessions = SessionStore.DEFAULT_MAX_SESSIONS;
        private TrustedProxies trustedProxies = TrustedProxies.NONE;
        private Path originCa;
        private String originCaSetting = "origin-ca";
        private boolean underscoresInHeaders;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private int maxConnectionsPerClient;
        private Duration drain = DEFAULT_DRAIN;
        private final Map<String, String> location = new HashMap<>();
        private final Map<String, String> upstream = new HashMap<>();

        private Builder() {
        }

        private Builder(FulcrumSettings s) {
            this.dataDir = s.dataDir;
            this.proxyPort = s.proxyPort;
            this.proxyBind = s.proxyBind;
            this.apiPort = s.apiPort;
            this.apiBind = s.apiBind;
            this.apiToken = s.apiToken;
            this.metricsPublic = s.metricsPublic;
            this.accessLog = s.accessLog;
            this.metricsJmx = s.metricsJmx;
            this.affinityKey = s.affinityKey;
            this.affinitySessions = s.affinitySessions;
            this.trustedProxies = s.trustedProxies;
            this.originCa = s.originCa;
            this.originCaSetting = s.originCaSetting;
            this.underscoresInHeaders = s.routing.underscoresInHeaders();
            this.headerTimeout = s.headerTimeout;
            this.maxConnectionsPerClient = s.maxConnectionsPerClient;
            this.drain = s.drain;
            this.location.putAll(s.locationText);
            this.upstream.putAll(s.upstreamText);
        }

        /**
         * Sets one location key of {@link RoutingSettings#KEYS} as text; checked with the others by {@link #build()}.
         */
        public Builder location(String key, String value) {
            if (!RoutingSettings.KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown location setting '" + key + "' (expected one of "
                        + new TreeSet<>(RoutingSettings.KEYS) + ")");
            }
            location.put(key, value);
            return this;
        }

        /** Sets one key of {@link UpstreamSettings#KEYS} as text; checked with the others by {@link #build()}. */
        public Builder upstream(String key, String value) {
            if (!UpstreamSettings.KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown upstream setting '" + key + "' (expected one of "
                        + new TreeSet<>(UpstreamSettings.KEYS) + ")");
            }
            final Map<String, String> next = new HashMap<>(upstream);
            next.put(key, value);
            UpstreamSettings.from(next);
            upstream.put(key, value);
            return this;
        }

        /** Serve {@code /metrics} without the API token (default false). */
        public Builder metricsPublic(boolean open) {
            this.metricsPublic = open;
            return this;
        }

        /** Log one line per forwarded attempt (default false). */
        public Builder accessLog(boolean enabled) {
            this.accessLog = enabled;
            return this;
        }

        /** Also publish the meters over JMX (default false). */
        public Builder metricsJmx(boolean enabled) {
            this.metricsJmx = enabled;
            return this;
        }

                public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder proxyPort(int port) {
            this.proxyPort = checkPort(port);
            return this;
        }

        public Builder proxyBind(String host) {
            this.proxyBind = checkHost(host);
            return this;
        }

        public Builder apiPort(int port) {
            this.apiPort = checkPort(port);
            return this;
        }

        public Builder apiBind(String host) {
            this.apiBind = checkHost(host);
            return this;
        }

        /** @param token the admin token, or null to use the stored one (generated on first start) */
        public Builder apiToken(String token) {
            if (token != null && !BearerAuth.isUsable(token)) {
                throw new IllegalArgumentException("not a usable API token (expected: at least " + MIN_TOKEN_LENGTH
                        + " characters of A-Z a-z 0-9 - . _ ~ + / with optional trailing =)");
            }
            this.apiToken = token;
            return this;
        }

        /**
         * @param base64 the session affinity key shared by the nodes (at least {@value AffinityKey#MIN_BYTES}
         *               bytes), or null to use the data directory's key file
         */
        public Builder affinityKey(String base64) {
            if (base64 != null && !base64.isBlank()) {
                AffinityKey.fromBase64(base64); // refuses a bad key now, naming the problem but not the key
                this.affinityKey = base64.strip();
            } else {
                this.affinityKey = null;
            }
            return this;
        }

        /** @param max the most {@code header} affinity sessions the node keeps, at least 1 */
        public Builder affinitySessions(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("'" + max + "' is not a count (expected: an integer of at least 1)");
            }
            this.affinitySessions = max;
            return this;
        }

        /** The proxies whose {@code X-Forwarded-For} is believed (default {@link TrustedProxies#NONE}). */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.trustedProxies = Objects.requireNonNull(proxies, "trustedProxies");
            return this;
        }

        /**
         * @param file    the PEM file of CA certificates trusted for https origins, or null for the JVM's default
         *                trust store; read when the runtime starts, so a host can first resolve a relative path
         * @param setting how the host spells the setting (e.g. {@code originCa}), named if the file is refused
         */
        public Builder originCa(Path file, String setting) {
            this.originCa = file;
            this.originCaSetting = Objects.requireNonNull(setting, "setting");
            return this;
        }

        /** Forward client headers whose name contains {@code _} (default false: they are dropped). */
        public Builder underscoresInHeaders(boolean forwarded) {
            this.underscoresInHeaders = forwarded;
            return this;
        }

        /** The proxy listener's deadline for a request's head; zero turns it off. */
        public Builder headerTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("'" + timeout + "' is not a duration (expected: 0 or more)");
            }
            this.headerTimeout = timeout;
            return this;
        }

        /** The proxy listener's cap on open connections per client address; zero: no cap. */
        public Builder maxConnectionsPerClient(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("'" + max + "' is not a count (expected: an integer of at least 0)");
            }
            this.maxConnectionsPerClient = max;
            return this;
        }

        /** How long a stop drains the proxy listener; zero: no drain. */
        public Builder drain(Duration duration) {
            if (duration == null || duration.isNegative()) {
                throw new IllegalArgumentException("'" + duration + "' is not a duration (expected: 0 or more)");
            }
            this.drain = duration;
            return this;
        }

        /** @throws IllegalArgumentException when the location or upstream settings do not fit together */
        public FulcrumSettings build() {
            return new FulcrumSettings(this, RoutingSettings.from(location::get)
                    .withUnderscoresInHeaders(underscoresInHeaders), UpstreamSettings.from(upstream));
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("'" + port + "' is not a port number (expected: 0-65535)");
            }
            return port;
        }

        private static String checkHost(String host) {
            if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
            }
            return host;
        }
    }
}
