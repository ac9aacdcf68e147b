package dev.fulcrum.bench;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.health.OriginHealth;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a health publication costs the router: one origin of one pool flips, over the RouterBenchmark topology with
 * a monitor on every pool (3,000 pools, 30,000 origins). Off the request path, but it runs on every probe result.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SnapshotRebuildBenchmark {

    private SnapshotRouter router;
    private HealthSnapshot allUp;
    private HealthSnapshot oneDown;
    private boolean flip;

    @Setup(Level.Trial)
    public void setUp() {
        final ConfigSnapshot config = RouterBenchmark.config("off", "random", true);
        router = new SnapshotRouter(RoutingSettings.DEFAULT);
        router.update(config);
        allUp = health(config, null);
        oneDown = health(config, config.pools().keySet().iterator().next());
        router.update(allUp);
    }

    /** Every origin healthy, except the first origin of {@code downPool} when it is not null. */
    private static HealthSnapshot health(ConfigSnapshot config, String downPool) {
        final Map<String, Map<String, OriginHealth>> pools = new HashMap<>();
        for (Pool pool : config.pools().values()) {
            final Map<String, OriginHealth> origins = new HashMap<>();
            boolean first = true;
            for (Origin origin : pool.origins()) {
                final boolean down = first && pool.id().equals(downPool);
                origins.put(HealthSnapshot.originKey(origin.address(), origin.port()),
                        new OriginHealth(!down, down ? Double.NaN : 12.5, down ? "TCP connection failed"
                                : "No failures", down ? 0 : 200));
                first = false;
            }
            pools.put(pool.id(), Map.copyOf(origins));
        }
        return new HealthSnapshot(pools);
    }

    @Benchmark
    public long healthFlip() {
        flip = !flip;
        router.update(flip ? oneDown : allUp);
        return router.revision();
    }
}
