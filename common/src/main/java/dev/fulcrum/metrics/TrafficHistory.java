package dev.fulcrum.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.json.ConfigJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The last minutes of traffic per load balancer, pool and origin, read from the meters every few seconds: what the
 * dashboard draws as sparklines ({@code GET /client/v4/fulcrum/traffic}), so a browser never parses Prometheus text
 * and a page opened now already shows the minutes before it.
 *
 * <p>Each {@link #sample()} reads the cumulative counts of {@link OriginMetrics} and {@link LoadBalancerMetrics},
 * subtracts the previous reading and keeps, per interval: requests, attempts that failed at the connection or
 * exchange (Fulcrum's 52x), origin 5xx answers (and, for a load balancer, its own 530/508), each per second, and the
 * p50/p99 upstream latency of the attempts answered in the interval, interpolated within the latency histogram's
 * buckets. A pool's and an origin's figures add up every load balancer that sent to them; a load balancer's requests
 * do not count a failover attempt twice. Quantiles are taken from summed bucket counts, never averaged.
 *
 * <p>Cost: a sample reads every origin's meters once (proportional to the configured origins, every few seconds,
 * off the request path); the recording path is untouched.
 *
 * <p>Thread safety: {@link #sample()} and {@link #toJson()} are synchronized; {@link #update} only swaps a volatile.
 */
public final class TrafficHistory implements AutoCloseable {

    /** How often the sampler reads the meters. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** How many intervals are kept: five minutes at the default interval. */
    public static final int DEFAULT_SAMPLES = 60;

    private static final Logger LOG = LoggerFactory.getLogger(TrafficHistory.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final double[] BUCKETS_MILLIS = OriginMetrics.latencyBucketsMillis();
    private static final Comparator<LoadBalancer> LB_ORDER =
            Comparator.comparing(LoadBalancer::name).thenComparing(LoadBalancer::id);
    private static final Comparator<Pool> POOL_ORDER = Comparator.comparing(Pool::name).thenComparing(Pool::id);

    private final OriginMetrics origins;
    private final LoadBalancerMetrics loadBalancers;
    private final Clock clock;
    private final Duration interval;
    private final int capacity;
    private volatile ConfigSnapshot config = ConfigSnapshot.EMPTY;
    private ScheduledExecutorService sampler;

    // Guarded by this.
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private Map<String, OriginMetrics.Reading> previous = Map.of();
    private Map<String, long[]> previousAnswers = Map.of();
    private Instant previousTime;

    /** Figures of one interval for one load balancer, pool or origin; quantiles NaN when nothing was answered. */
    private record Point(double requests, double failed, double status5xx, double p50, double p99) {
        static final Point NONE = new Point(0, 0, 0, Double.NaN, Double.NaN);
    }

    /** One interval: its end and every object's point, keyed by id (origins by pool id and origin name). */
    private record Sample(Instant end, Map<String, Point> loadBalancers, Map<String, Point> pools,
                          Map<String, Point> origins) {
    }

    TrafficHistory(OriginMetrics origins, LoadBalancerMetrics loadBalancers, Clock clock, Duration interval,
                   int capacity) {
        this.origins = Objects.requireNonNull(origins, "origins");
        this.loadBalancers = Objects.requireNonNull(loadBalancers, "loadBalancers");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero() || capacity < 1) {
            throw new IllegalArgumentException("interval and capacity must be positive");
        }
        this.interval = interval;
        this.capacity = capacity;
    }

    /** Adopts a committed configuration: the names written and the objects listed follow it. */
    void update(ConfigSnapshot next) {
        config = Objects.requireNonNull(next, "config");
    }

    /** Starts sampling every interval on a daemon thread of its own; {@link #close()} stops it. */
    synchronized void start() {
        if (sampler != null) {
            return;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            final Thread thread = new Thread(task, "fulcrum-traffic");
            thread.setDaemon(true);
            return thread;
        });
        previousTime = clock.instant();
        final long millis = interval.toMillis();
        sampler.scheduleAtFixedRate(this::sampleQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            // A failed sample leaves a gap in the sparklines; the next one reads the meters afresh.
            LOG.warn("traffic sample failed", e);
        }
    }

    /** Reads the meters now and appends the interval since the previous reading. */
    public synchronized void sample() {
        final Instant now = clock.instant();
        final double seconds = previousTime == null ? interval.toNanos() / 1e9
                : Math.max(1e-3, Duration.between(previousTime, now).toNanos() / 1e9);
        final Map<String, Totals> lbs = new HashMap<>();
        final Map<String, Totals> pools = new HashMap<>();
        final Map<String, Totals> originTotals = new HashMap<>();
        final Map<String, OriginMetrics.Reading> readings = new HashMap<>();
        origins.read((lbId, poolId, originName, reading) -> {
            final String key = lbId + '\n' + poolId + '\n' + originName;
            readings.put(key, reading);
            final OriginMetrics.Reading before = previous.get(key);
            final Totals delta = Totals.between(before, reading);
            lbs.computeIfAbsent(lbId, k -> new Totals()).addAsLoadBalancer(delta);
            pools.computeIfAbsent(poolId, k -> new Totals()).add(delta);
            originTotals.computeIfAbsent(originKey(poolId, originName), k -> new Totals()).add(delta);
        });
        final Map<String, long[]> answers = new HashMap<>();
        loadBalancers.readAnswers((lbId, all, status5xx) -> {
            answers.put(lbId, new long[] {all, status5xx});
            final long[] before = previousAnswers.getOrDefault(lbId, new long[2]);
            final Totals lb = lbs.computeIfAbsent(lbId, k -> new Totals());
            lb.requests += delta(before[0], all);
            lb.status5xx += delta(before[1], status5xx);
        });
        previous = readings;
        previousAnswers = answers;
        previousTime = now;
        samples.addLast(new Sample(now, points(lbs, seconds), points(pools, seconds), points(originTotals, seconds)));
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    /**
     * The history as the traffic endpoint answers it: {@code interval_seconds}, {@code timestamps} (each interval's
     * end, oldest first) and, for every configured load balancer and pool (with its origins), {@code series} of
     * {@code requests}, {@code errors_52x}, {@code errors_5xx} (per second) and {@code p50_ms}, {@code p99_ms} (null
     * where nothing was answered), one value per timestamp.
     */
    public synchronized ObjectNode toJson() {
        final ConfigSnapshot c = config;
        final List<Sample> all = new ArrayList<>(samples);
        final ObjectNode result = NODES.objectNode();
        result.put("interval_seconds", interval.toNanos() / 1e9);
        final ArrayNode times = result.putArray("timestamps");
        all.forEach(sample -> times.add(ConfigJson.timestamp(sample.end())));
        final ArrayNode lbs = result.putArray("load_balancers");
        for (LoadBalancer lb : c.loadBalancers().values().stream().sorted(LB_ORDER).toList()) {
            final ObjectNode node = lbs.addObject();
            node.put("id", lb.id());
            node.put("name", lb.name());
            node.set("series", series(all, s -> s.loadBalancers().get(lb.id())));
        }
        final ArrayNode pools = result.putArray("pools");
        for (Pool pool : c.pools().values().stream().sorted(POOL_ORDER).toList()) {
            final ObjectNode node = pools.addObject();
            node.put("id", pool.id());
            node.put("name", pool.name());
            node.set("series", series(all, s -> s.pools().get(pool.id())));
            final ArrayNode originNodes = node.putArray("origins");
            for (Origin origin : pool.origins()) {
                final ObjectNode o = originNodes.addObject();
                o.put("name", origin.name());
                o.set("series", series(all, s -> s.origins().get(originKey(pool.id(), origin.name()))));
            }
        }
        return result;
    }

    private static ObjectNode series(List<Sample> samples, Function<Sample, Point> of) {
        final ObjectNode series = NODES.objectNode();
        column(series.putArray("requests"), samples, of, Point::requests);
        column(series.putArray("errors_52x"), samples, of, Point::failed);
        column(series.putArray("errors_5xx"), samples, of, Point::status5xx);
        column(series.putArray("p50_ms"), samples, of, Point::p50);
        column(series.putArray("p99_ms"), samples, of, Point::p99);
        return series;
    }

    private static void column(ArrayNode into, List<Sample> samples, Function<Sample, Point> of,
                               ToDoubleFunction<Point> field) {
        for (Sample sample : samples) {
            final Point point = of.apply(sample);
            final double value = field.applyAsDouble(point == null ? Point.NONE : point);
            if (Double.isNaN(value)) {
                into.addNull();
            } else {
                into.add(Math.round(value * 1000) / 1000.0);
            }
        }
    }

    private static String originKey(String poolId, String originName) {
        return poolId + '\n' + originName;
    }

    private static Map<String, Point> points(Map<String, Totals> totals, double seconds) {
        final Map<String, Point> points = new HashMap<>();
        totals.forEach((key, t) -> points.put(key, t.point(seconds)));
        return Map.copyOf(points);
    }

    /** A count's growth; a meter created again (removed, then used anew) counts from zero. */
    private static long delta(long before, long now) {
        return now >= before ? now - before : now;
    }

    /** Counts of one interval, added up over the origins of a load balancer or pool. */
    private static final class Totals {

        private long requests;
        private long failed;
        private long status5xx;
        /** Carried for a load balancer, which counts a failover attempt as part of the request before it. */
        private long failovers;
        private final long[] latency = new long[BUCKETS_MILLIS.length + 1];

        static Totals between(OriginMetrics.Reading before, OriginMetrics.Reading now) {
            final Totals t = new Totals();
            final boolean fresh = before == null || now.attempts() < before.attempts();
            t.requests = now.attempts() - (fresh ? 0 : before.attempts());
            t.failed = now.failed() - (fresh ? 0 : before.failed());
            t.status5xx = now.status5xx() - (fresh ? 0 : before.status5xx());
            for (int i = 0; i < t.latency.length; i++) {
                t.latency[i] = fresh ? now.latency()[i] : delta(before.latency()[i], now.latency()[i]);
            }
            t.failovers = now.failovers() - (fresh ? 0 : before.failovers());
            return t;
        }

        void add(Totals delta) {
            requests += delta.requests;
            failed += delta.failed;
            status5xx += delta.status5xx;
            for (int i = 0; i < latency.length; i++) {
                latency[i] += delta.latency[i];
            }
        }

        void addAsLoadBalancer(Totals delta) {
            add(delta);
            requests -= delta.failovers;
        }

        Point point(double seconds) {
            return new Point(requests / seconds, failed / seconds, status5xx / seconds, quantile(0.5),
                    quantile(0.99));
        }

        /**
         * The {@code q} quantile in milliseconds, interpolated linearly inside the bucket that holds it (as
         * Prometheus' {@code histogram_quantile} does); beyond the last bucket, its bound. NaN without answers.
         */
        double quantile(double q) {
            final long total = latency[BUCKETS_MILLIS.length];
            if (total <= 0) {
                return Double.NaN;
            }
            final double rank = q * total;
            long below = 0;
            double lower = 0;
            for (int i = 0; i < BUCKETS_MILLIS.length; i++) {
                final long atOrUnder = latency[i];
                if (atOrUnder >= rank && atOrUnder > below) {
                    return lower + (BUCKETS_MILLIS[i] - lower) * (rank - below) / (atOrUnder - below);
                }
                below = Math.max(below, atOrUnder);
                lower = BUCKETS_MILLIS[i];
            }
            return BUCKETS_MILLIS[BUCKETS_MILLIS.length - 1];
        }
    }
}
