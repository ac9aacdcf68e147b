package dev.fulcrum.runtime;

import dev.fulcrum.affinity.AffinityKey;
import dev.fulcrum.affinity.SessionStore;
import dev.fulcrum.api.BearerAuth;
import dev.fulcrum.cluster.ClusterSettings;
import dev.fulcrum.etcd.EtcdSettings;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.upstream.UpstreamSettings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static dev.fulcrum.runtime.Setting.Spelling.absent;
import static dev.fulcrum.runtime.Setting.Spelling.refused;

/**
 * Every setting of a Fulcrum runtime, one {@link Setting} row each, with its spelling in every host. The hosts are
 * loops over this table: the standalone's command line and environment ({@code FulcrumSettings#parse}), the Jetty
 * module's properties ({@code FulcrumLifeCycle}, wired by {@code etc/fulcrum.xml}), the valve's attributes
 * ({@code FulcrumValve#setProperty}) and the WAR's context parameters ({@code FulcrumContextListener}). Text is read
 * by the row's {@link SettingType}, in one place for all of them.
 *
 * <p><b>To add a setting:</b>
 * <ol>
 *   <li>add a row here: {@code public static final Setting<T> X = Setting.builder("x-y", SettingType.T)} with its
 *       default (or a note on what applies without one), its help sentence, its Jetty property
 *       ({@code fulcrum.x.y}) and valve attribute ({@code xY}), or {@code absent(why)} for a host that cannot offer
 *       it, naming what the host has instead; then list it in {@link #ALL}. The standalone's {@code --x-y},
 *       {@code FULCRUM_X_Y} and the WAR's {@code fulcrum.x-y} follow from the name;</li>
 *   <li>read it where it is used: {@code settings.get(SettingsTable.X)} on the built {@link FulcrumSettings};
 *       a check that spans several settings goes in {@code FulcrumSettings.Builder#build}, naming them as the host
 *       spells them;</li>
 *   <li>let the tests tell you which documentation to bring along: README's settings table
 *       ({@code SettingsReadmeTest} prints the new one), the Jetty module's {@code [ini-template]} and its line in
 *       {@code etc/fulcrum.xml}, and the valve's Javadoc attribute table are each checked against this table.</li>
 * </ol>
 * A new kind of value gets its parser in {@link SettingType}, or {@link SettingType#of} for a domain type.
 */
public final class SettingsTable {

    private static final String BY_FULCRUM = "sized by Fulcrum for its non-blocking proxy: one selector per CPU";
    private static final String WAR_CONNECTORS = "the container's own connectors serve the load balancers and the API";

    private SettingsTable() {
    }

    /** The admin API token: RFC 6750 characters, at least {@value BearerAuth#MIN_TOKEN_LENGTH} of them. */
    private static final SettingType<String> TOKEN = SettingType.<String>of("token", "TOKEN", text -> {
        final String token = text.strip();
        if (!BearerAuth.isUsable(token)) {
            throw new IllegalArgumentException("not a usable API token (expected: at least "
                    + BearerAuth.MIN_TOKEN_LENGTH + " characters of A-Z a-z 0-9 - . _ ~ + / with optional "
                    + "trailing =)");
        }
        return token;
    }, Function.identity()).asSecret();

    /** A session affinity key as base64; refused without echoing it. */
    private static final SettingType<String> BASE64_KEY = SettingType.<String>of("base64 key", "BASE64", text -> {
        AffinityKey.fromBase64(text);
        return text.strip();
    }, Function.identity()).asSecret();

    /** Addresses and CIDR ranges, separated by commas or spaces. */
    private static final SettingType<TrustedProxies> ADDRESS_RANGES = SettingType.of("address ranges", "CIDRS",
            TrustedProxies::parse, TrustedProxies::toString);

    // ---- listening: the standalone's two ports; the API's own listener in the Jetty module and the valve

    public static final Setting<Integer> PORT = Setting.builder("port", SettingType.PORT)
            .defaultValue(FulcrumSettings.DEFAULT_PROXY_PORT)
            .help("proxy (load balancer) port, 0 = any free port")
            .jetty(absent("Jetty's own connectors serve the load balancers (module http: jetty.http.port)"))
            .valve(absent("Tomcat's own Connector serves the load balancers (<Connector port>)"))
            .war(absent(WAR_CONNECTORS))
            .build();

    public static final Setting<String> BIND = Setting.builder("bind", SettingType.HOST)
            .defaultValue(FulcrumSettings.DEFAULT_PROXY_BIND)
            .help("address the proxy listens on")
            .jetty(absent("Jetty's own connectors serve the load balancers (module http: jetty.http.host)"))
            .valve(absent("Tomcat's own Connector serves the load balancers (<Connector address>)"))
            .war(absent(WAR_CONNECTORS))
            .build();

    public static final Setting<Integer> API_PORT = Setting.builder("api-port", SettingType.PORT)
            .defaultValue(FulcrumSettings.DEFAULT_API_PORT)
            .help("REST API port, 0 = any free port (logged)")
            .jetty("fulcrum.api.port")
            .valve("apiPort")
            .war(absent(WAR_CONNECTORS))
            .build();

    public static final Setting<String> API_BIND = Setting.builder("api-bind", SettingType.HOST)
            .defaultValue(FulcrumSettings.DEFAULT_API_BIND)
            .help("address the REST API listens on; keep it on loopback or a management network")
            .jetty("fulcrum.api.host")
            .valve("apiBind")
            .war(absent(WAR_CONNECTORS))
            .build();

    // ---- TLS and HTTP/2 toward clients: the standalone's own listeners; the other hosts have their server's

    private static final String JETTY_TLS = "Jetty's own modules: https and ssl (jetty.ssl.port, jetty.sslContext.*), "
            + "http2, http2c";
    private static final String TOMCAT_TLS = "Tomcat's own Connectors: SSLEnabled with an SSLHostConfig, and an "
            + "UpgradeProtocol Http2Protocol";

    public static final Setting<Integer> TLS_PORT = Setting.builder("tls-port", SettingType.PORT)
            .defaultNote("none: no TLS listener")
            .help("HTTPS (TLS) proxy port on the proxy's address, 0 = any free port; h2 and http/1.1 by ALPN; needs "
                    + "--tls-cert or --tls-cert-dir")
            .jetty(absent(JETTY_TLS))
            .valve(absent(TOMCAT_TLS))
            .war(absent(WAR_CONNECTORS))
            .build();

    public static final Setting<Path> TLS_CERT = Setting.builder("tls-cert", SettingType.PATH)
            .defaultNote("none")
            .valueName("FILE")
            .help("the TLS certificate: a PEM chain (the host's certificate first; its key in the same file or in "
                    + "--tls-key) or a PKCS#12 file (.p12, .pfx); the default for clients whose name (SNI) no "
                    + "certificate has. Reloaded when it changes")
            .jetty(absent(JETTY_TLS))
            .valve(absent(TOMCAT_TLS))
            .war(absent(WAR_CONNECTORS))
            .build();

    public static final Setting<Path> TLS_KEY = Setting.builder("tls-key", SettingType.PATH)
            .defaultNote("the key in the --tls-cert file")
            .valueName("FILE")
            .help("the PEM private key of --tls-cert, when it is not in that file")
            .jetty(absent(JETTY_TLS))
            .valve(absent(TOMCAT_TLS))
            .war(absent(WAR_CONNECTORS))
            .build();

    public static final Setting<Path> TLS_CERT_DIR = Setting.builder("tls-cert-dir", SettingType.PATH)
            .defaultNote("none")
            .valueName("DIR")
            .help("a directory of certificates, one per host name, chosen by the name the client asks for (SNI; "
                    + "wildcards match): NAME.crt or NAME.pem with NAME.key, or NAME.p12. Reloaded when its files "
                    + "change")
            .jetty(absent(JETTY_TLS))
            .valve(absent(TOMCAT_TLS))
            .war(absent(WAR_CONNECTORS))
            .build();

    public static final Setting<String> TLS_PASSWORD = Setting.builder("tls-password", SettingType.TEXT.asSecret())
            .defaultNote("none")
            .valueName("PASSWORD")
            .help("the password of the PKCS#12 certificate files")
            .jetty(absent(JETTY_TLS))
            .valve(absent(TOMCAT_TLS))
            .war(absent(WAR_CONNECTORS))
            .build();

    public static final Setting<Boolean> REDIRECT_HTTPS = Setting.builder("redirect-https", SettingType.SWITCH)
            .defaultValue(false)
            .help("answer requests on the plain HTTP port with a redirect to https (301 for GET and HEAD, 308 "
                    + "otherwise; ACME challenges are served) instead of serving them; needs --tls-port")
            .jetty(absent("the server's own means"))
            .valve(absent("the server's own means"))
            .war(absent("the container's own means"))
            .build();

    public static final Setting<Boolean> H2C = Setting.builder("h2c", SettingType.SWITCH)
            .defaultValue(true)
            .help("accept HTTP/2 without TLS on the plain HTTP port (prior knowledge, and Upgrade: h2c); false "
                    + "serves HTTP/1.1 only there")
            .jetty(absent("Jetty's own module http2c"))
            .valve(absent("an UpgradeProtocol Http2Protocol in Tomcat's plain Connector"))
            .war(absent(WAR_CONNECTORS))
            .build();

    // ---- what the node keeps

    public static final Setting<Path> DATA_DIR = Setting.builder("data-dir", SettingType.PATH)
            .defaultValue(FulcrumSettings.DEFAULT_DATA_DIR)
            .valueName("DIR")
            .help("where the configuration and the API token's hash are stored")
            .jetty("fulcrum.data.dir")
            .valve("dataDir")
            .build();

    public static final Setting<String> API_TOKEN = Setting.builder("api-token", TOKEN)
            .defaultNote("the stored one; the first start generates one and shows it once")
            .help("admin API token (" + BearerAuth.MIN_TOKEN_LENGTH + "+ characters of A-Z a-z 0-9 - . _ ~ + /); "
                    + "replaces the stored one")
            .jetty("fulcrum.api.token")
            .valve("apiToken")
            .build();

    public static final Setting<String> AFFINITY_KEY = Setting.builder("affinity-key", BASE64_KEY)
            .defaultNote(AffinityKey.FILE_NAME + " in the data directory, created on the first start")
            .help("key signing session affinity cookies (base64 of " + AffinityKey.MIN_BYTES + "+ random bytes); "
                    + "give every node the same one")
            .jetty("fulcrum.affinity.key")
            .valve("affinityKey")
            .build();

    public static final Setting<Integer> AFFINITY_SESSIONS = Setting.builder("affinity-sessions", SettingType.COUNT)
            .defaultValue(SessionStore.DEFAULT_MAX_SESSIONS)
            .help("header affinity sessions kept by this node; beyond it the least recently used go first")
            .jetty("fulcrum.affinity.sessions")
            .valve("affinitySessions")
            .build();

    public static final Setting<Path> ORIGIN_CA = Setting.builder("origin-ca", SettingType.PATH)
            .defaultNote("the JVM's trust store")
            .valueName("FILE")
            .help("PEM file of the CA certificates trusted for https origins, by traffic and health probes alike; "
                    + "replaces the JVM's default trust store for origins")
            .jetty("fulcrum.originCa")
            .valve("originCa")
            .build();

    // ---- where the node is (checked as a whole by RoutingSettings)

    public static final Setting<String> POP = Setting.builder("pop", SettingType.TEXT)
            .defaultNote("none")
            .valueName("CODE")
            .help("this node's PoP code for geo steering (pop_pools) and CF-Ray, e.g. LAX")
            .jetty("fulcrum.node.pop")
            .valve("pop")
            .build();

    public static final Setting<String> COUNTRY = Setting.builder("country", SettingType.TEXT)
            .defaultNote("none")
            .valueName("CC")
            .help("this node's ISO-3166 country for geo steering (country_pools), e.g. US")
            .jetty("fulcrum.node.country")
            .valve("country")
            .build();

    public static final Setting<String> REGION = Setting.builder("region", SettingType.TEXT)
            .defaultNote("the country's region")
            .valueName("REGION")
            .help("this node's region code, e.g. WNAM")
            .jetty("fulcrum.node.region")
            .valve("region")
            .build();

    public static final Setting<String> LATITUDE = Setting.builder("latitude", SettingType.TEXT)
            .defaultNote("none")
            .valueName("DEG")
            .help("this node's latitude in degrees, for proximity steering (with the longitude)")
            .jetty("fulcrum.node.latitude")
            .valve("latitude")
            .build();

    public static final Setting<String> LONGITUDE = Setting.builder("longitude", SettingType.TEXT)
            .defaultNote("none")
            .valueName("DEG")
            .help("this node's longitude in degrees, for proximity steering (with the latitude)")
            .jetty("fulcrum.node.longitude")
            .valve("longitude")
            .build();

    public static final Setting<String> CLIENT_COUNTRY_HEADER = Setting.builder("client-country-header",
                    SettingType.TEXT)
            .defaultNote("off")
            .valueName("NAME")
            .help("a request header trusted to carry the client's country for geo steering, e.g. CF-IPCountry")
            .jetty("fulcrum.node.clientCountryHeader")
            .valve("clientCountryHeader")
            .build();

    /** The location rows by the keys {@link RoutingSettings#from} reads. */
    static final Map<String, Setting<String>> LOCATION = Map.of(RoutingSettings.POP_KEY, POP,
            RoutingSettings.COUNTRY_KEY, COUNTRY, RoutingSettings.REGION_KEY, REGION,
            RoutingSettings.LATITUDE_KEY, LATITUDE, RoutingSettings.LONGITUDE_KEY, LONGITUDE,
            RoutingSettings.CLIENT_COUNTRY_HEADER_KEY, CLIENT_COUNTRY_HEADER);

    // ---- who the client is

    public static final Setting<TrustedProxies> TRUSTED_PROXIES = Setting.builder("trusted-proxies", ADDRESS_RANGES)
            .defaultValue(TrustedProxies.NONE)
            .defaultNote("none: the connecting peer is the client")
            .help("proxies in front (addresses or CIDR ranges, comma-separated, e.g. 10.0.0.0/8) whose "
                    + "X-Forwarded-For names the client: the rightmost address not in the list")
            .jetty("fulcrum.trustedProxies")
            .valve(absent("Tomcat's RemoteIpValve, declared before the valve in the Engine, gives the client"))
            .war(refused("the container's own forwarded-header support gives the client's address (Tomcat: a "
                    + "RemoteIpValve in the Engine; Jetty: the http-forwarded module)"))
            .build();

    // ---- what a client may send, and how slowly

    public static final Setting<Boolean> UNDERSCORES_IN_HEADERS = Setting.builder("underscores-in-headers",
                    SettingType.SWITCH)
            .defaultValue(false)
            .help("forward client headers whose name contains '_' to origins; by default they are dropped, as nginx "
                    + "does, since an origin reading '_' as '-' would see a Transfer_Encoding the proxy never checked")
            .jetty("fulcrum.underscoresInHeaders")
            .valve("underscoresInHeaders")
            .build();

    public static final Setting<Duration> HEADER_TIMEOUT = Setting.builder("header-timeout",
                    SettingType.DURATION_OR_OFF)
            .defaultValue(FulcrumSettings.DEFAULT_HEADER_TIMEOUT)
            .help("proxy listeners: the most a request's head (request line and headers) may take from its first "
                    + "byte, then the connection is closed (nginx's client_header_timeout); 0 = none")
            .jetty("fulcrum.headerTimeout")
            .valve(absent("Tomcat's own Connector serves the load balancers: its connectionTimeout bounds each "
                    + "read, maxHttpHeaderSize the head"))
            .war(absent(WAR_CONNECTORS + ", with the container's own timeouts"))
            .build();

    public static final Setting<Integer> MAX_CONNECTIONS_PER_CLIENT = Setting.builder("max-connections-per-client",
                    SettingType.LIMIT)
            .defaultValue(0)
            .help("proxy listeners: open connections allowed per client address (over all of them), more are closed as they open; 0 = no "
                    + "cap (behind another proxy every client has the proxy's address)")
            .jetty("fulcrum.maxConnectionsPerClient")
            .valve(absent("Tomcat's own Connector serves the load balancers: its maxConnections caps all clients "
                    + "together"))
            .war(absent(WAR_CONNECTORS + ", with the container's own limits"))
            .build();

    public static final Setting<Duration> DRAIN = Setting.builder("drain", SettingType.DURATION_OR_OFF)
            .defaultValue(FulcrumSettings.DEFAULT_DRAIN)
            .help("after SIGTERM: the proxy ports stop accepting and, for at most this long, requests on open "
                    + "connections are still answered, with Connection: close; ends once no connection is left")
            .jetty(absent("Jetty's graceful stop: jetty.server.stopTimeout"))
            .valve(absent("Tomcat's graceful stop: the Service's gracefulStopAwaitMillis, with bindOnInit=\"false\" "
                    + "on the Connector"))
            .war(absent("the container's own graceful stop"))
            .build();

    // ---- the upstream client

    public static final Setting<Duration> UPSTREAM_CONNECT_TIMEOUT = Setting.builder("upstream-connect-timeout",
                    SettingType.DURATION)
            .defaultValue(UpstreamSettings.DEFAULTS.connectTimeout())
            .help("origin connect timeout, then 522")
            .jetty("fulcrum.upstream.connectTimeout")
            .valve("upstreamConnectTimeout")
            .build();

    public static final Setting<Duration> UPSTREAM_READ_TIMEOUT = Setting.builder("upstream-read-timeout",
                    SettingType.DURATION)
            .defaultValue(UpstreamSettings.DEFAULTS.readTimeout())
            .help("time to the origin's first response byte (and any later silence), then 524")
            .jetty("fulcrum.upstream.readTimeout")
            .valve("upstreamReadTimeout")
            .build();

    public static final Setting<Duration> UPSTREAM_IDLE_TIMEOUT = Setting.builder("upstream-idle-timeout",
                    SettingType.DURATION)
            .defaultValue(UpstreamSettings.DEFAULTS.idleTimeout())
            .help("how long an idle origin connection is kept for reuse")
            .jetty("fulcrum.upstream.idleTimeout")
            .valve("upstreamIdleTimeout")
            .build();

    public static final Setting<Integer> UPSTREAM_MAX_CONNECTIONS = Setting.builder("upstream-max-connections",
                    SettingType.COUNT)
            .defaultValue(UpstreamSettings.DEFAULTS.maxConnectionsPerOrigin())
            .help("open connections per origin")
            .jetty("fulcrum.upstream.maxConnectionsPerOrigin")
            .valve("upstreamMaxConnectionsPerOrigin")
            .build();

    public static final Setting<Integer> UPSTREAM_MAX_QUEUED = Setting.builder("upstream-max-queued",
                    SettingType.COUNT)
            .defaultValue(UpstreamSettings.DEFAULTS.maxQueuedPerOrigin())
            .help("requests waiting for a connection per origin before new ones are refused")
            .jetty("fulcrum.upstream.maxQueuedPerOrigin")
            .valve("upstreamMaxQueuedPerOrigin")
            .build();

    public static final Setting<Integer> UPSTREAM_REPLAY_BUFFER = Setting.builder("upstream-replay-buffer",
                    SettingType.SIZE)
            .defaultValue(UpstreamSettings.DEFAULTS.replayBufferBytes())
            .help("request bodies up to this size are buffered so that failover can send them again")
            .jetty("fulcrum.upstream.replayBufferBytes")
            .valve("upstreamReplayBufferBytes")
            .build();

    public static final Setting<Integer> UPSTREAM_SELECTORS = Setting.builder("upstream-selectors", SettingType.COUNT)
            .defaultNote("one per CPU")
            .help("selector threads of the upstream client, which also parse the origins' responses")
            .standalone(absent(BY_FULCRUM))
            .jetty(absent(BY_FULCRUM))
            .valve("upstreamSelectors")
            .war(absent(BY_FULCRUM))
            .build();

    public static final Setting<Integer> UPSTREAM_MAX_THREADS = Setting.builder("upstream-max-threads",
                    SettingType.COUNT)
            .defaultValue(UpstreamSettings.DEFAULTS.maxThreads())
            .help("threads of the upstream client, at least its selectors plus 4")
            .standalone(absent(BY_FULCRUM))
            .jetty(absent(BY_FULCRUM))
            .valve("upstreamMaxThreads")
            .war(absent(BY_FULCRUM))
            .build();

    /** {@code link} or {@code httpclient}: which upstream client carries plain HTTP/1.1 on the Jetty core hosts. */
    private static final SettingType<Boolean> UPSTREAM_CLIENT_TYPE = SettingType.of("upstream client",
            "link|httpclient", SettingsTable::parseUpstreamClient, links -> links ? "link" : "httpclient");

    public static final Setting<Boolean> UPSTREAM_CLIENT = Setting.builder("upstream-client", UPSTREAM_CLIENT_TYPE)
            .defaultValue(true)
            .help("link: plain HTTP/1.1 to origins on Fulcrum's own connections, each answer parsed and relayed on "
                  + "one thread (ARCHITECTURE.md); httpclient: on Jetty's HttpClient. TLS, HTTP/2 (gRPC) and "
                  + "WebSocket handshakes use HttpClient either way")
            .jetty("fulcrum.upstream.client")
            .valve(absent("the valve always uses Jetty's HttpClient"))
            .war(absent("the WAR always uses Jetty's HttpClient"))
            .build();

    private static boolean parseUpstreamClient(String text) {
        return switch (text.strip()) {
            case "link" -> true;
            case "httpclient" -> false;
            default -> throw new IllegalArgumentException("expected link or httpclient");
        };
    }

    // ---- the cluster (ARCHITECTURE.md, "Cluster store"; README, "Cluster")

    /** etcd member URLs, comma-separated. */
    private static final SettingType<List<URI>> ENDPOINTS = SettingType.of("etcd endpoints", "URL[,URL…]",
            EtcdSettings::parseEndpoints, list -> String.join(",", list.stream().map(URI::toString).toList()));

    /** A key prefix: starts and ends with a slash. */
    private static final SettingType<String> PREFIX = SettingType.of("etcd prefix", "PREFIX",
            text -> ClusterSettings.checkPrefix(text.strip()), Function.identity());

    private static final SettingType<String> NODE = SettingType.of("node name", "NAME",
            text -> ClusterSettings.checkNodeName(text.strip()), Function.identity());

    private static final SettingType<String> PASSWORD = SettingType.<String>of("password", "PASSWORD",
            text -> text, Function.identity()).asSecret();

    public static final Setting<List<URI>> ETCD_ENDPOINTS = Setting.builder("etcd-endpoints", ENDPOINTS)
            .defaultNote("none: the configuration stays in the data directory")
            .help("etcd v3 members (http(s)://host:port, comma-separated) of the cluster this node joins: every "
                    + "node on the same etcd and prefix serves the same load balancers")
            .jetty("fulcrum.etcd.endpoints")
            .valve("etcdEndpoints")
            .build();

    public static final Setting<String> ETCD_PREFIX = Setting.builder("etcd-prefix", PREFIX)
            .defaultValue(ClusterSettings.DEFAULT_PREFIX)
            .help("the key prefix of the cluster's data in etcd; clusters sharing one etcd use different ones")
            .jetty("fulcrum.etcd.prefix")
            .valve("etcdPrefix")
            .build();

    public static final Setting<String> NODE_NAME = Setting.builder("node-name", NODE)
            .defaultNote("the node's PoP code, else the host name")
            .help("this node's name in the cluster and in pop_health; unique in the cluster")
            .jetty("fulcrum.node.name")
            .valve("nodeName")
            .build();

    public static final Setting<String> ETCD_USER = Setting.builder("etcd-user", SettingType.TEXT)
            .defaultNote("none: etcd without authentication")
            .valueName("USER")
            .help("etcd user to authenticate as (with the password)")
            .jetty("fulcrum.etcd.user")
            .valve("etcdUser")
            .build();

    public static final Setting<String> ETCD_PASSWORD = Setting.builder("etcd-password", PASSWORD)
            .defaultNote("none")
            .help("that etcd user's password (prefer the environment variable to the command line)")
            .jetty("fulcrum.etcd.password")
            .valve("etcdPassword")
            .build();

    public static final Setting<Path> ETCD_CA = Setting.builder("etcd-ca", SettingType.PATH)
            .defaultNote("the JVM's trust store")
            .valueName("FILE")
            .help("PEM file of the CA certificates trusted for https:// etcd endpoints")
            .jetty("fulcrum.etcd.ca")
            .valve("etcdCa")
            .build();

    public static final Setting<Path> ETCD_CERT = Setting.builder("etcd-cert", SettingType.PATH)
            .defaultNote("none")
            .valueName("FILE")
            .help("PEM client certificate for etcd's --client-cert-auth (with the key)")
            .jetty("fulcrum.etcd.cert")
            .valve("etcdCert")
            .build();

    public static final Setting<Path> ETCD_KEY = Setting.builder("etcd-key", SettingType.PATH)
            .defaultNote("none")
            .valueName("FILE")
            .help("PEM private key of that certificate (PKCS#8, or traditional RSA or EC), unencrypted")
            .jetty("fulcrum.etcd.key")
            .valve("etcdKey")
            .build();

    public static final Setting<Duration> ETCD_LEASE_TTL = Setting.builder("etcd-lease-ttl", SettingType.DURATION)
            .defaultValue(ClusterSettings.DEFAULT_LEASE_TTL)
            .help("how long this node's health results outlive it in the cluster (the TTL of its etcd lease)")
            .jetty("fulcrum.etcd.leaseTtl")
            .valve("etcdLeaseTtl")
            .build();

    // ---- what the node tells

    public static final Setting<Boolean> METRICS_PUBLIC = Setting.builder("metrics-public", SettingType.SWITCH)
            .defaultValue(false)
            .help("serve the Prometheus scrape (/metrics, next to the API) without the API token")
            .jetty("fulcrum.metrics.public")
            .valve("metricsPublic")
            .build();

    public static final Setting<Boolean> METRICS_JMX = Setting.builder("metrics-jmx", SettingType.SWITCH)
            .defaultValue(false)
            .help("also publish the meters as MBeans (domain fulcrum) in the platform MBean server")
            .jetty("fulcrum.metrics.jmx")
            .valve("metricsJmx")
            .build();

    public static final Setting<Boolean> METRICS_POOLS_ONLY = Setting.builder("metrics-pools-only",
                    SettingType.SWITCH)
            .defaultValue(false)
            .help("bound the meters by pools, not origins: attempt meters without the origin tag, in-flight rows "
                    + "per pool only, one set of upstream connection rows")
            .jetty("fulcrum.metrics.poolsOnly")
            .valve("metricsPoolsOnly")
            .build();

    public static final Setting<Boolean> ACCESS_LOG = Setting.builder("access-log", SettingType.SWITCH)
            .defaultValue(false)
            .help("log one line per forwarded attempt at INFO on logger " + FulcrumSettings.ACCESS_LOGGER)
            .jetty("fulcrum.accessLog")
            .valve("accessLog")
            .build();

    /** Every row, in the order of {@code --help} and the documentation. */
    // ---- the standalone's log

    public static final Setting<Path> LOG_CONFIG = Setting.builder("log-config", SettingType.PATH)
            .defaultNote("one line per record on stderr, INFO and up, Jetty's own at WARN")
            .valueName("FILE")
            .help("the standalone's log: a java.util.logging properties file")
            .jetty(absent("Jetty's own logging modules (resources/jetty-logging.properties)"))
            .valve(absent("Tomcat's JULI (conf/logging.properties)"))
            .war(absent("the container's own logging (Tomcat: conf/logging.properties; Jetty: its logging modules)"))
            .build();

    public static final List<Setting<?>> ALL = List.of(PORT, BIND, API_PORT, API_BIND, TLS_PORT, TLS_CERT, TLS_KEY,
            TLS_CERT_DIR, TLS_PASSWORD, REDIRECT_HTTPS, H2C, DATA_DIR, API_TOKEN,
            AFFINITY_KEY, AFFINITY_SESSIONS, ORIGIN_CA, POP, COUNTRY, REGION, LATITUDE, LONGITUDE,
            CLIENT_COUNTRY_HEADER, TRUSTED_PROXIES, UNDERSCORES_IN_HEADERS, HEADER_TIMEOUT,
            MAX_CONNECTIONS_PER_CLIENT, DRAIN, UPSTREAM_CONNECT_TIMEOUT, UPSTREAM_READ_TIMEOUT,
            UPSTREAM_IDLE_TIMEOUT, UPSTREAM_MAX_CONNECTIONS, UPSTREAM_MAX_QUEUED, UPSTREAM_REPLAY_BUFFER,
            UPSTREAM_SELECTORS, UPSTREAM_MAX_THREADS, UPSTREAM_CLIENT, ETCD_ENDPOINTS, ETCD_PREFIX, NODE_NAME,
            ETCD_USER, ETCD_PASSWORD, ETCD_CA, ETCD_CERT, ETCD_KEY, ETCD_LEASE_TTL, METRICS_PUBLIC, METRICS_JMX,
            METRICS_POOLS_ONLY, ACCESS_LOG, LOG_CONFIG);

    /** The row {@code host} spells {@code name}, if it offers one. */
    public static Optional<Setting<?>> find(SettingHost host, String name) {
        return ALL.stream().filter(s -> name.equals(s.nameIn(host))).findFirst();
    }

    /** The row named {@code name} (the standalone option without its dashes), offered by any host or not. */
    public static Optional<Setting<?>> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The rows {@code host} offers, in table order. */
    public static List<Setting<?>> offeredBy(SettingHost host) {
        return ALL.stream().filter(s -> s.offeredBy(host)).toList();
    }
}
