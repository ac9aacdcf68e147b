package dev.fulcrum.bench;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.routing.Outcome;
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

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link RouterBenchmark}'s decision ({@code off} steering, {@code random} origins, no affinity) for load balancers
 * that each have one custom rule, {@code starts_with(http.request.uri.path, "/api/") and http.request.method eq
 * "GET"}, overriding {@code default_pools}. {@code rule}: {@code none}, the same configuration without the rule (the
 * baseline); {@code miss}, with the rule and no request matching it (the cost of evaluating the condition);
 * {@code half}, with half the requests matching (they go to a second pool, so more plans and origins are touched).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RuleBenchmark {

    private static final int REQUESTS = 4_096;
    static final String CONDITION = "starts_with(http.request.uri.path, \"/api/\") and http.request.method eq \"GET\"";

    @Param({"none", "miss", "half"})
    public String rule;

    SnapshotRouter router;
    RouterBenchmark.BenchRequest[] requests;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        router = new SnapshotRouter(RoutingSettings.of("AMS", "NL", 52.37, 4.90));
        final ConfigSnapshot plain = RouterBenchmark.config("off", "random", false);
        router.update("none".equals(rule) ? plain : withRule(plain));
        final SplittableRandom random = new SplittableRandom(7);
        requests = new RouterBenchmark.BenchRequest[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            final String client = "198.51." + random.nextInt(256) + '.' + random.nextInt(256);
            requests[i] = new RouterBenchmark.BenchRequest(RouterBenchmark.host(random.nextInt(1_000)), client, null,
                    "half".equals(rule) && (i & 1) == 0 ? "/api/items" : "/static/app.js");
        }
    }

    /** Every load balancer of {@code config} with the rule, moving matching requests to its second pool. */
    static ConfigSnapshot withRule(ConfigSnapshot config) {
        final Map<String, LoadBalancer> lbs = new HashMap<>();
        for (LoadBalancer lb : config.loadBalancers().values()) {
            final RuleOverrides toSecond = new RuleOverrides(null, null, List.of(lb.defaultPools().get(1)), null,
                    null, null, null, null, null, null, null, null, null, null, null, null);
            lbs.put(lb.id(), new LoadBalancer(lb.id(), lb.zoneId(), lb.createdOn(), lb.modifiedOn(), lb.name(),
                    lb.description(), lb.enabled(), lb.proxied(), lb.ttl(), lb.fallbackPool(), lb.defaultPools(),
                    lb.regionPools(), lb.countryPools(), lb.popPools(), lb.steeringPolicy(), lb.randomSteering(),
                    lb.adaptiveRouting(), lb.locationStrategy(), lb.sessionAffinity(), lb.sessionAffinityTtl(),
                    lb.sessionAffinityAttributes(), List.of(new Rule("api", CONDITION, false, 0, false, null,
                    toSecond)), lb.networks()));
        }
        return new ConfigSnapshot(config.revision(), config.accounts(), config.zones(), config.monitors(),
                config.pools(), lbs);
    }

    @Benchmark
    public Object route() {
        final RouterBenchmark.BenchRequest request = requests[next++ & (REQUESTS - 1)];
        final RouteDecision decision = router.route(request);
        if (decision instanceof RouteDecision.Forward forward) {
            forward.complete(Outcome.RESPONDED, 200, 1_000_000);
        }
        return decision;
    }
}
