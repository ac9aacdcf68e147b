package dev.fulcrum.runtime;

import dev.fulcrum.affinity.AffinityKey;
import dev.fulcrum.affinity.AffinitySettings;
import dev.fulcrum.api.ApiRouter;
import dev.fulcrum.cluster.ClusterNode;
import dev.fulcrum.cluster.ClusterSettings;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.health.HealthMonitor;
import dev.fulcrum.health.HealthSettings;
import dev.fulcrum.health.Ticker;
import dev.fulcrum.metrics.AccessLog;
import dev.fulcrum.metrics.FulcrumMetrics;
import dev.fulcrum.metrics.MetricsEndpoint;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.Router;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.upstream.OriginCa;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.store.ConfigStore;
import dev.fulcrum.store.StoreUnavailableException;
import dev.fulcrum.store.CorruptStoreException;
import dev.fulcrum.store.FileConfigStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One Fulcrum instance: the durable configuration store, the admin credential and the REST API, with a start/stop
 * lifecycle. Containers (the standalone launcher, the Jetty module, the Tomcat valve, the WAR) create one, start it,
 * serve {@link #api()} and route with what {@link #addSnapshotListener} delivers.
 *
 * <p>Start order: data directory → the origin CA file, if set (its one trust store goes to both the upstream client
 * and the health probes: a probe that distrusted an origin the traffic trusts would mark it down) → store (refusing a corrupt file, which is left untouched) → the first account, if
 * there is none → the API token → the session affinity key ({@link AffinityKey#resolve}: the settings' key, or the
 * data directory's key file, created once) → the router and the meters → the health monitors' checks (fed every
 * committed snapshot) → the upstream client → the API and the {@code /metrics} endpoint → the first probes. A failed
 * start leaves nothing open.
 *
 * <p>Thread safety: {@link #start()} and {@link #stop()} are serialized; the accessors may be called from any thread
 * while running.
 */
public final class Fulcrum implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fulcrum.class);

    /** Name of the account created on the first start with an empty data directory. */
    public static final String FIRST_ACCOUNT_NAME = "Fulcrum";

    private final FulcrumSettings settings;
    private final Clock clock;
    private final List<Consumer<ConfigSnapshot>> listeners = new CopyOnWriteArrayList<>();

    /** Everything that exists only while running; replaced as a whole so readers never see half of it. */
    private record Running(ConfigStore store, HealthMonitor health, SnapshotRouter router, UpstreamClient upstream,
                           ApiRouter api, FulcrumMetrics metrics, MetricsEndpoint metricsEndpoint,
                           String generatedToken, ClusterNode cluster) {
    }

    private volatile Running running;

    public Fulcrum(FulcrumSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** @param clock the source of {@code created_on}/{@code modified_on} timestamps */
    public Fulcrum(FulcrumSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Opens the store and makes the API ready.
     *
     * @return this
     * @throws FulcrumStartException with an operator-readable message (naming the file or directory at fault)
     * @throws IllegalStateException when already running
     */
    public synchronized Fulcrum start() {
        if (running != null) {
            throw new IllegalStateException("Fulcrum is already running");
        }
        final Path dataDir = settings.dataDir().toAbsolutePath();
        createDataDir(dataDir);
        checkWritable(dataDir);
        final KeyStore originTrust = originTrust();
        // A cluster node's store is etcd's (its local copy while etcd is down); a single node's, its data directory.
        final ClusterJoin.Joined cluster = settings.cluster() == null ? null
                : ClusterJoin.join(settings, dataDir, clock);
        final ConfigStore store = cluster != null ? cluster.node().store() : openStore(dataDir);
        HealthMonitor health = null;
        UpstreamClient upstream = null;
        final FulcrumMetrics metrics = new FulcrumMetrics(settings.accessLog() ? new AccessLog() : null,
                settings.metricsJmx(), !settings.metricsPoolsOnly(), clock);
        try {
            // The pool health API names this node's PoP (a cluster node: its node name), as Cloudflare names the
            // data centre that probed.
            final String pop = cluster != null ? settings.cluster().nodeName() : settings.routing().pop();
            health = new HealthMonitor(HealthSettings.defaults().withTime(Ticker.system(), clock)
                    .withPopName(pop != null ? pop : HealthSettings.defaults().popName())
                    .withTrustStore(originTrust));
            ensureFirstAccount(store);
            final ApiTokenFile.Loaded token = cluster != null
                    ? new ApiTokenFile.Loaded(cluster.auth(), cluster.generatedToken())
                    : ApiTokenFile.load(dataDir, settings.apiToken());
            // The router sees every committed snapshot and every health verdict; it reads neither store nor monitor
            // on the request path, only the snapshot it rebuilt from them.
            // Affinity cookies expire and drain by the same clock that stamps disabled_at.
            final SnapshotRouter router = new SnapshotRouter(settings.routing(), new OriginConnections(),
                    metrics.outcomeListener(), new AffinitySettings(cluster != null ? cluster.affinityKey()
                    : affinityKey(dataDir), clock, settings.affinitySessions()), metrics.affinityRecorder());
            metrics.bindRouter(router);
            metrics.bindHealth(health);
            if (cluster != null) {
                // The router steers on the cluster's verdicts (health_sources, check_regions), built from this
                // node's and the other live nodes' probes; this node's own go to the cluster too.
                cluster.node().health().addChangeListener(router::update);
                health.addChangeListener(cluster.node()::localHealth);
                ClusterJoin.follow(cluster, router, dataDir);
            } else {
                health.addChangeListener(router::update);
            }
            final RuntimeReport report = new RuntimeReport(health.settings().popName(), settings.routing(), dataDir,
                    store, cluster == null ? null : cluster.node(), metrics.traffic(), clock);
            // Side by side, as each is a sizeable part of a start from a large store (a tenth or more of the main
            // thread's work at 10,000 pools): the health engine's checks, then the API and its indexes, on another
            // thread; the router's plans and the meters' rows on this one (see prepare).
            final ConfigChange initial = ConfigChange.initial(store.current());
            final HealthMonitor checked = health;
            final CompletableFuture<ApiRouter> apiBuilt = CompletableFuture.supplyAsync(() -> {
                prepare(initial, checked::update);
                return new ApiRouter(store, token.auth(), clock, checked, report,
                        cluster != null ? cluster.node().health() : null);
            });
            prepare(initial, router::update, metrics::update);
            store.addChangeListener(router::update);
            // Meters follow the configuration after the router does: a meter is created only for what it serves.
            store.addChangeListener(metrics::update);
            // The checks are planned here and start probing at the end of the start (below).
            store.addChangeListener(health::update);
            upstream = UpstreamClient.start(settings.upstream().withTrustStore(originTrust), router.connections());
            metrics.bindUpstream(upstream);
            final ApiRouter api = built(apiBuilt);
            metrics.startTrafficHistory();
            final MetricsEndpoint metricsEndpoint = metrics.endpoint(settings.metricsPublic() ? null : token.auth());
            listeners.forEach(store::addListener);
            // Monitors run before anything serves (an origin with a monitor is unusable until its first verdict),
            // but after the rest of the start: the first probes, spread over a few seconds, are a burst of
            // connections (30,000 at 10,000 pools of 3 origins) that would compete for the CPU with the start.
            health.start();
            running = new Running(store, health, router, upstream, api, metrics, metricsEndpoint,
                    token.generatedToken(), cluster == null ? null : cluster.node());
            return this;
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.node().close();
            } else {
                store.close();
            }
            if (health != null) {
                health.close();
            }
            if (upstream != null) {
                upstream.close();
            }
            metrics.close();
            throw e;
        }
    }

    /**
     * Brings consumers of the store to its loaded configuration before they are registered with it. Registering
     * them afterwards delivers the same snapshot again, which each finds it already holds, so a consumer that fails
     * here fails again at its registration, which logs it as it logs a failure at any change.
     */
    @SafeVarargs
    private static void prepare(ConfigChange initial, Consumer<ConfigChange>... inOrder) {
        try {
            for (Consumer<ConfigChange> consumer : inOrder) {
                consumer.accept(initial);
            }
        } catch (RuntimeException e) {
            LOG.debug("preparing for the stored configuration failed; left to the store's listeners", e);
        }
    }

    /** What {@code built} gave, or the failure it threw. */
    private static <T> T built(CompletableFuture<T> built) {
        try {
            return built.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * Closes the store, stops the health monitors and the upstream client. Idempotent. The host stops serving
     * requests first: a forward in flight after this fails like an unreachable origin.
     */
    public synchronized void stop() {
        final Running r = running;
        running = null;
        if (r != null) {
            final long revision = r.store().current().revision();
            if (r.cluster() != null) {
                // Leaves the cluster first: the lease is revoked, so the other nodes drop this one's health at once.
                r.cluster().close();
            } else {
                r.store().close();
            }
            r.health().close();
            r.upstream().close();
            r.metrics().close();
            LOG.info("Fulcrum stopped: store {} closed at revision {}", storeName(), revision);
        }
    }

    /**
     * Logs the start line the operator looks for, and returns it: version, this node's name, the store and its
     * revision, and where the host serves ({@code listeners}, e.g. {@code "proxy http://0.0.0.0:8080, api
     * http://127.0.0.1:8081/client/v4, dashboard http://127.0.0.1:8081/dashboard/"}). Hosts call it once they serve.
     */
    public String announce(String listeners) {
        final Running r = require();
        final String line = "Fulcrum " + Version.current() + " started: node " + r.health().settings().popName()
                + ", store " + storeName() + " (revision " + r.store().current().revision()
                + "), " + listeners;
        LOG.info(line);
        return line;
    }

    /** The store as the start and stop lines name it: the data directory, or the cluster's etcd and prefix. */
    private String storeName() {
        final ClusterSettings cluster = settings.cluster();
        return cluster == null ? settings.dataDir().toAbsolutePath().toString()
                : "etcd " + cluster.etcd().endpoints() + " " + cluster.prefix();
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        return running != null;
    }

    public FulcrumSettings settings() {
        return settings;
    }

    /** The routing core, fed by the store and the health monitors; wrappers call {@link Router#route}. */
    public SnapshotRouter router() {
        return require().router();
    }

    /** The one upstream client of this runtime, shared by every wrapper; owned (and closed) by the runtime. */
    public UpstreamClient upstream() {
        return require().upstream();
    }

    /** This runtime's meters (one Prometheus registry); hosts may add their own meters to its registry. */
    public FulcrumMetrics metrics() {
        return require().metrics();
    }

    /**
     * The Prometheus scrape endpoint, with the API token's rules unless {@code --metrics-public}; serve it at
     * {@link MetricsEndpoint#PATH} on the API listener (e.g. through {@code servlet.MetricsServlet}).
     */
    public MetricsEndpoint metricsEndpoint() {
        return require().metricsEndpoint();
    }

    /** The REST API handler; serve it at {@link ApiRouter#PREFIX} (e.g. through {@code servlet.ApiServlet}). */
    public ApiRouter api() {
        return require().api();
    }

    public ConfigStore store() {
        return require().store();
    }

    /** This node's membership of a cluster; null for a single node on its file store. */
    public ClusterNode cluster() {
        return require().cluster();
    }

    /** The health monitors of the committed configuration; subscribe with {@link HealthMonitor#addListener}. */
    public HealthMonitor health() {
        return require().health();
    }

    /**
     * Registers a listener for every committed configuration snapshot. It receives the current snapshot at once if
     * running (else on start), and stays registered across stop/start. Listeners run on the writing thread while the
     * store's write lock is held: they must be quick (e.g. swap a volatile reference) and must not write.
     */
    public void addSnapshotListener(Consumer<ConfigSnapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            listeners.add(listener);
            if (running != null) {
                running.store().addListener(listener);
            }
        }
    }

    /**
     * The admin token generated by this start, to be shown to the operator once; null when a token was given or
     * already stored. Only its hash is kept on disk.
     */
    public String generatedApiToken() {
        return require().generatedToken();
    }

    /** Where the admin token's hash is kept. */
    public Path apiTokenFile() {
        return settings.dataDir().toAbsolutePath().resolve(ApiTokenFile.FILE_NAME);
    }

    private Running require() {
        final Running r = running;
        if (r == null) {
            throw new IllegalStateException("Fulcrum is not running (call start() first)");
        }
        return r;
    }

    private static void createDataDir(Path dataDir) {
        if (Files.isDirectory(dataDir)) {
            return;
        }
        try {
            if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dataDir);
            }
        } catch (FileAlreadyExistsException e) {
            throw new FulcrumStartException("data directory " + dataDir + " exists but is not a directory", e);
        } catch (AccessDeniedException e) {
            throw new FulcrumStartException("cannot create data directory " + dataDir + ": permission denied on "
                    + e.getFile() + " (the user running Fulcrum may not write there)", e);
        } catch (IOException e) {
            throw new FulcrumStartException("cannot create data directory " + dataDir + ": " + e, e);
        }
    }

    /** An existing data directory this process cannot write fails the start before anything is read from it. */
    private static void checkWritable(Path dataDir) {
        if (!Files.isWritable(dataDir) || !Files.isExecutable(dataDir)) {
            throw new FulcrumStartException("data directory " + dataDir + ": permission denied (the user running "
                    + "Fulcrum cannot write it: give it the directory, or choose another)");
        }
    }

    private AffinityKey affinityKey(Path dataDir) {
        try {
            return AffinityKey.resolve(dataDir, settings.affinityKey());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new FulcrumStartException("session affinity key: " + e.getMessage(), e);
        }
    }

    /**
     * The origin CA file's trust store; without the file, whatever the upstream settings carry (null, the JVM's
     * default, unless an embedder set a store), so both sides still agree.
     */
    private KeyStore originTrust() {
        final Path file = settings.originCa();
        if (file == null) {
            return settings.upstream().trustStore();
        }
        try {
            return OriginCa.load(file.toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new FulcrumStartException("origin CA file (" + settings.originCaSetting() + ") " + e.getMessage(), e);
        }
    }

    private static ConfigStore openStore(Path dataDir) {
        try {
            return FileConfigStore.open(dataDir);
        } catch (CorruptStoreException e) {
            throw new FulcrumStartException("the configuration store cannot be loaded: " + e.getMessage()
                    + " (the file was left untouched: repair it, restore it from a backup or move it away)", e);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof AccessDeniedException denied) {
                    throw new FulcrumStartException("data directory " + dataDir + ": permission denied on "
                            + denied.getFile() + " (the user running Fulcrum cannot read or write it)", e);
                }
            }
            // Already names the directory: another process holds it, or it cannot be read or written.
            throw new FulcrumStartException("cannot open the configuration store: " + e.getMessage(), e);
        }
    }

    private void ensureFirstAccount(ConfigStore store) {
        if (!store.current().accounts().isEmpty()) {
            return;
        }
        final Account account = new Account(Ids.newId(), FIRST_ACCOUNT_NAME,
                clock.instant().truncatedTo(ChronoUnit.MICROS));
        try {
            store.commit(s -> s.accounts().isEmpty() ? ConfigEdit.putting(account) : new ConfigEdit());
        } catch (StoreUnavailableException e) {
            // A cluster node started from its local copy while etcd is down: the first node that reaches etcd
            // creates the account.
            LoggerFactory.getLogger(Fulcrum.class).warn("the first account is not created yet: " + e.getMessage());
        }
    }
}
