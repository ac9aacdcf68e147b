package dev.fulcrum.metrics;

import dev.fulcrum.api.BearerAuth;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.health.HealthMetrics;
import dev.fulcrum.health.HealthMonitor;
import dev.fulcrum.routing.AffinityRecorder;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.OutcomeListener;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.upstream.UpstreamClient;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * All of one runtime's meters in one Prometheus registry: each component's {@code MeterBinder} bound next to what it
 * measures, fed every committed configuration so that tags follow it, and served by {@link #endpoint}; except the
 * configuration-sized gauge rows, which each scrape writes after the registry's exposition ({@link GaugeRows}).
 *
 * <p>Wiring (the runtime does this; order matters because the router takes its listeners at construction):
 * <pre>{@code
 * FulcrumMetrics metrics = new FulcrumMetrics(accessLogEnabled ? new AccessLog() : null);
 * SnapshotRouter router = new SnapshotRouter(settings, connections, metrics.outcomeListener(), affinity,
 *         metrics.affinityRecorder());
 * metrics.bindRouter(router);
 * metrics.bindUpstream(upstream);
 * metrics.bindHealth(healthMonitor);
 * store.addChangeListener(metrics::update);               // after the router's own listener
 * }</pre>
 * <p>JVM meters (memory, GC, threads, CPU, uptime) are bound too; they carry no Fulcrum tags.
 *
 * <p>Thread safety: binding is done once at start; everything else is safe for concurrent use.
 */
public final class FulcrumMetrics implements AutoCloseable {

    /** JMX domain of the meters when {@code --metrics-jmx} is on. */
    public static final String JMX_DOMAIN = "fulcrum";

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Where binders register: the Prometheus registry, or a composite of it and JMX when JMX is on. */
    private final MeterRegistry registry;
    private final JmxMeterRegistry jmx;
    private final OriginMetrics origins;
    /** False: per-origin series are kept per pool instead (see {@link #FulcrumMetrics(AccessLog, boolean, boolean, java.time.Clock)}). */
    private final boolean perOrigin;
    private final LoadBalancerMetrics loadBalancers = new LoadBalancerMetrics();
    private final AccessLog accessLog;
    private final OutcomeListener outcomeListener;
    private final List<Consumer<ConfigChange>> configListeners = new CopyOnWriteArrayList<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final TrafficHistory traffic;
    private volatile ConfigSnapshot config = ConfigSnapshot.EMPTY;
    /**
     * The configuration-sized gauge families (one row per pool, origin, destination state and monitored pool's
     * state: about 160,000 at 10,000 pools of 3 origins), written into each scrape by their owners rather than
     * registered in the Prometheus registry (see {@link GaugeRows}); null until bound. With JMX on, their owners
     * register them as gauges in the JMX registry only.
     */
    private volatile InFlightMetrics inFlight;
    private volatile ConnectionMetrics connections;
    private volatile PoolOriginText poolOrigins;

    /** Meters only, no access log, no JMX. */
    public FulcrumMetrics() {
        this(null);
    }

    /** @param accessLog the access log to feed, or null for none */
    public FulcrumMetrics(AccessLog accessLog) {
        this(accessLog, false);
    }

    /**
     * @param accessLog the access log to feed, or null for none
     * @param jmx       also publish every meter as an MBean in the platform MBean server, domain
     *                  {@value #JMX_DOMAIN} (where Jetty's and Tomcat's own MBeans live); off by default because
     *                  each recording then goes to two registries
     */
    public FulcrumMetrics(AccessLog accessLog, boolean jmx) {
        this(accessLog, jmx, true, java.time.Clock.systemUTC());
    }

    /**
     * @param accessLog the access log to feed, or null for none
     * @param jmx       also publish every meter over JMX (see above)
     * @param perOrigin false bounds the cardinality by pools instead of origins ({@code --metrics-pools-only}):
     *                  attempt meters lose their {@code origin} tag (one set per load balancer and pool), in-flight
     *                  rows are per pool only, and the connection rows are one set for every destination together
     *                  ({@code destination="all"}); at 10,000 pools of 3 origins that is about 10,000 in-flight and
     *                  3 connection series instead of 40,000 and 90,000
     * @param clock     stamps the traffic history's intervals
     */
    public FulcrumMetrics(AccessLog accessLog, boolean jmx, boolean perOrigin, java.time.Clock clock) {
        this.accessLog = accessLog;
        this.perOrigin = perOrigin;
        this.origins = new OriginMetrics(perOrigin);
        if (jmx) {
            this.jmx = new JmxMeterRegistry(new JmxConfig() {
                @Override
                public String get(String key) {
                    return null;
                }

                @Override
                public String domain() {
                    return JMX_DOMAIN;
                }
            }, Clock.SYSTEM);
            this.registry = new CompositeMeterRegistry(Clock.SYSTEM, List.of(prometheus, this.jmx));
        } else {
            this.jmx = null;
            this.registry = prometheus;
        }
        origins.bindTo(registry);
        loadBalancers.bindTo(registry);
        configListeners.add(origins::update);
        configListeners.add(loadBalancers::update);
        traffic = new TrafficHistory(origins, loadBalancers, clock, TrafficHistory.DEFAULT_INTERVAL,
                TrafficHistory.DEFAULT_SAMPLES);
        configListeners.add(change -> traffic.update(change.next()));
        if (accessLog != null) {
            configListeners.add(accessLog::update);
        }
        outcomeListener = new Listener(origins, loadBalancers, accessLog);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * The registry the meters are bound to, for the host to add meters of its own: the Prometheus registry, or a
     * composite of it and the JMX registry.
     */
    public MeterRegistry registry() {
        return registry;
    }

    /** Whether the meters are also published over JMX. */
    public boolean publishesJmx() {
        return jmx != null;
    }

    /** The listener to give the {@link SnapshotRouter}: origin meters, plus the access log when enabled. */
    public OutcomeListener outcomeListener() {
        return outcomeListener;
    }

    /** The recorder to give the {@link SnapshotRouter}: the affinity stage's hits, misses and re-pins per LB. */
    public AffinityRecorder affinityRecorder() {
        return loadBalancers;
    }

    /** The access log, or null when it is off. */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** Binds the in-flight gauges to the counters of the router that was given {@link #outcomeListener()}. */
    public synchronized void bindRouter(SnapshotRouter router) {
        final InFlightMetrics rows = new InFlightMetrics(router, perOrigin);
        rows.update(ConfigChange.initial(config));
        bindToJmx(rows);
        configListeners.add(rows::update);
        inFlight = rows;
    }

    /** Binds the connection-pool gauges and counts the client's stale-connection retries. */
    public synchronized void bindUpstream(UpstreamClient upstream) {
        final ConnectionMetrics rows = new ConnectionMetrics(upstream, perOrigin);
        rows.update(ConfigChange.initial(config));
        bindToJmx(rows);
        configListeners.add(rows::update);
        connections = rows;
        upstream.onStaleConnectionRetry(origins::staleConnectionRetry);
    }

    /** The configuration-sized rows are gauges in the JMX registry only; a scrape writes them itself. */
    private void bindToJmx(MeterBinder rows) {
        if (jmx != null) {
            rows.bindTo(jmx);
        }
    }

    /** Rows of the configuration-sized families whose scrape text is kept (tests). */
    int gaugeRows() {
        final InFlightMetrics i = inFlight;
        final ConnectionMetrics c = connections;
        final PoolOriginText p = poolOrigins;
        return (i == null ? 0 : i.textRows()) + (c == null ? 0 : c.textRows()) + (p == null ? 0 : p.textRows());
    }

    /** Binds the health engine's own meters ({@link HealthMetrics}: checks, transitions, origins by state). */
    public void bindHealth(HealthMonitor health) {
        final HealthMetrics meters = new HealthMetrics(health);
        meters.bindWithoutRows(registry);
        synchronized (this) {
            bindToJmx(meters.poolOriginRows());
            poolOrigins = new PoolOriginText(meters);
        }
    }

    /** Adopts a committed configuration: tags follow names, meters of removed objects are removed. */
    public synchronized void update(ConfigSnapshot next) {
        update(ConfigChange.between(config, Objects.requireNonNull(next, "config")));
    }

    /**
     * Adopts a committed change: every binder updates the rows of the objects the change names, and only those
     * (see {@link InFlightMetrics}, {@link ConnectionMetrics}, {@link OriginMetrics}).
     */
    public synchronized void update(ConfigChange change) {
        final ConfigChange c = change.since(config);
        config = c.next();
        for (Consumer<ConfigChange> listener : configListeners) {
            listener.accept(c);
        }
    }

    /**
     * The scrape endpoint.
     *
     * @param auth the API's credential check, or null to serve it without credentials ({@code --metrics-public})
     */
    public MetricsEndpoint endpoint(BearerAuth auth) {
        return new MetricsEndpoint(this::scrapeTo, auth);
    }

    /**
     * The last minutes of traffic per load balancer, pool and origin (the dashboard's sparklines); sampled only after
     * {@link #startTrafficHistory()}.
     */
    public TrafficHistory traffic() {
        return traffic;
    }

    /** Starts reading the meters into {@link #traffic()} every {@link TrafficHistory#DEFAULT_INTERVAL}. */
    public void startTrafficHistory() {
        traffic.start();
    }

    /** The current scrape, in Prometheus' text format. */
    public String scrape() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            scrapeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Micrometer's exposition of every meter, then the configuration-sized gauge families. */
    private void scrapeTo(OutputStream out) throws IOException {
        prometheus.scrape(out, MetricsEndpoint.CONTENT_TYPE);
        final GaugeRows rows = new GaugeRows(out);
        final InFlightMetrics i = inFlight;
        if (i != null) {
            i.writeTo(rows);
        }
        final ConnectionMetrics c = connections;
        if (c != null) {
            c.writeTo(rows);
        }
        final PoolOriginText p = poolOrigins;
        if (p != null) {
            p.writeTo(rows);
        }
        rows.flush();
    }

    /** Releases the GC listener and closes the registries (unregistering the MBeans). */
    @Override
    public void close() {
        traffic.close();
        gc.close();
        registry.close();
        if (registry != prometheus) {
            prometheus.close();
            jmx.close();
        }
    }

    /** The router's listener: attempt meters, then the access log (if any); direct answers to the per-LB meters. */
    private record Listener(OriginMetrics origins, LoadBalancerMetrics loadBalancers, AccessLog accessLog)
            implements OutcomeListener {

        @Override
        public void completed(RouteDecision.Forward attempt, Outcome outcome, int status, long upstreamNanos) {
            origins.completed(attempt, outcome, status, upstreamNanos);
            if (accessLog != null) {
                accessLog.completed(attempt, outcome, status, upstreamNanos);
            }
        }

        @Override
        public void answered(String loadBalancerId, RouteDecision.Respond response) {
            loadBalancers.fixedResponse(loadBalancerId, response.status());
        }
    }
}
