package dev.fulcrum.bench;

import dev.fulcrum.config.AdaptiveRouting;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.LocationStrategy;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.RandomSteering;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.request.RequestView;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One routing decision ({@code route} plus the wrapper's {@code complete}) over 1,000 load balancers × 3 pools ×
 * 10 origins, for requests to random hosts among them. Run with {@code -prof gc} for bytes per decision
 * ({@code gc.alloc.rate.norm}). Results and the command are kept in BENCHMARKS.md.
 *
 * <p>{@code affinity}: {@code none}; {@code cookie_new}, every load balancer with cookie affinity and requests
 * without a cookie (steer, then sign a new {@code __cflb} and its Set-Cookie); {@code cookie_pinned}, the same
 * load balancers with every request carrying a valid cookie (verify it, then go straight to the pinned origin).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouterBenchmark {

    private static final int LOAD_BALANCERS = 1_000;
    private static final int POOLS_PER_LB = 3;
    private static final int ORIGINS_PER_POOL = 10;
    /** Requests cycled through; a power of two so the index wraps with a mask. */
    private static final int REQUESTS = 4_096;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Param({"off", "random", "least_outstanding_requests"})
    public String steeringPolicy;

    @Param({"random", "hash"})
    public String originSteering;

    @Param({"none", "cookie_new", "cookie_pinned"})
    public String affinity;

    SnapshotRouter router;
    BenchRequest[] requests;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        final String mode = affinity == null ? "none" : affinity;
        router = new SnapshotRouter(RoutingSettings.of("AMS", "NL", 52.37, 4.90));
        router.update(config(steeringPolicy, originSteering, false, mode.equals("none") ? "none" : "cookie"));
        final SplittableRandom random = new SplittableRandom(7);
        requests = new BenchRequest[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            final String client = "198.51." + random.nextInt(256) + '.' + random.nextInt(256);
            requests[i] = new BenchRequest(host(random.nextInt(LOAD_BALANCERS)), client, null);
            if (mode.equals("cookie_pinned")) {
                // The cookie the first response would have set, sent back as a browser does.
                final RouteDecision.Forward first = (RouteDecision.Forward) router.route(requests[i]);
                first.complete(Outcome.RESPONDED, 200, 1);
                for (Map.Entry<String, String> h : first.responseHeaders()) {
                    if (h.getKey().equals("Set-Cookie")) {
                        final String setCookie = h.getValue();
                        requests[i] = new BenchRequest(requests[i].host, client,
                                "session=abc123; " + setCookie.substring(0, setCookie.indexOf(';')) + "; lang=en");
                    }
                }
                if (requests[i].cookieHeader == null) {
                    throw new IllegalStateException("no __cflb set for " + requests[i].host);
                }
            }
        }
    }

    /**
     * 1,000 load balancers × 3 pools × 10 origins with random weights (fixed seed).
     *
     * @param monitored attach a monitor to every pool (then only origins with a healthy result are usable)
     */
    static ConfigSnapshot config(String steeringPolicy, String originSteering, boolean monitored) {
        return config(steeringPolicy, originSteering, monitored, "none");
    }

    /** As above, every load balancer with {@code sessionAffinity} ({@code none} or {@code cookie}). */
    static ConfigSnapshot config(String steeringPolicy, String originSteering, boolean monitored,
                                 String sessionAffinity) {
        final SplittableRandom random = new SplittableRandom(42);
        final Map<String, Pool> pools = new HashMap<>();
        final Map<String, LoadBalancer> lbs = new HashMap<>();
        for (int l = 0; l < LOAD_BALANCERS; l++) {
            final List<String> poolIds = new ArrayList<>();
            for (int p = 0; p < POOLS_PER_LB; p++) {
                final List<Origin> origins = new ArrayList<>();
                for (int o = 0; o < ORIGINS_PER_POOL; o++) {
                    final String address = "10." + (l % 250) + '.' + (l / 250 * 3 + p) + '.' + (o + 1);
                    origins.add(new Origin("o" + o, address, 8080, true, 0.1 * (1 + random.nextInt(10)), Map.of(),
                            null, null));
                }
                final String id = id(l * POOLS_PER_LB + p);
                pools.put(id, new Pool(id, id(0), T0, T0, null, "pool-" + l + '-' + p, "", true, 1,
                        monitored ? id(2) : null, null,
                        origins, originSteering, null, null, null, null, "", null, null));
                poolIds.add(id);
            }
            final String lbId = id(1_000_000 + l);
            lbs.put(lbId, new LoadBalancer(lbId, id(1), T0, T0, host(l), "", true, true, 30, poolIds.get(2),
                    poolIds, Map.of(), Map.of(), Map.of(), steeringPolicy, RandomSteering.DEFAULT,
                    AdaptiveRouting.DEFAULT, LocationStrategy.DEFAULT, sessionAffinity, null,
                    SessionAffinityAttributes.DEFAULT, List.of(), null));
        }
        return new ConfigSnapshot(1, Map.of(), Map.of(), Map.of(), pools, lbs);
    }

    @Benchmark
    public Object route() {
        final BenchRequest request = requests[next++ & (REQUESTS - 1)];
        final RouteDecision decision = router.route(request);
        if (decision instanceof RouteDecision.Forward forward) {
            forward.complete(Outcome.RESPONDED, 200, 1_000_000);
        }
        return decision;
    }

    static String host(int lb) {
        return "lb" + lb + ".example.com";
    }

    static String id(int n) {
        return String.format(Locale.ROOT, "%032x", n);
    }

    /** A request as a wrapper presents it: host, client address and a couple of headers. */
    static final class BenchRequest implements RequestView {

        private final String host;
        private final String clientAddress;
        private final String cookieHeader;
        private final String path;

        BenchRequest(String host, String clientAddress, String cookieHeader) {
            this(host, clientAddress, cookieHeader, "/");
        }

        BenchRequest(String host, String clientAddress, String cookieHeader, String path) {
            this.host = host;
            this.clientAddress = clientAddress;
            this.cookieHeader = cookieHeader;
            this.path = path;
        }

        @Override
        public String host() {
            return host;
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String query() {
            return null;
        }

        @Override
        public String scheme() {
            return "http";
        }

        @Override
        public String clientAddress() {
            return clientAddress;
        }

        @Override
        public String header(String name) {
            if ("Host".equalsIgnoreCase(name)) {
                return host;
            }
            return "Cookie".equalsIgnoreCase(name) ? cookieHeader : null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }
    }
}
