package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The health engine's meters, bound next to it (STYLE 14):
 * <ul>
 *   <li>{@value #CHECKS} {type, result, reason}: finished checks; {@code reason} is Cloudflare's text</li>
 *   <li>{@value #TRANSITIONS} {to}: origin state transitions</li>
 *   <li>{@value #POOL_ORIGINS} {pool, pool_id, state}: enabled origins of monitored pools by state
 *       ({@code healthy}, {@code unhealthy}, {@code unknown}), refreshed on every publish and configuration update</li>
 *   <li>{@value #PROBES_IN_FLIGHT}: probe attempts running now</li>
 *   <li>{@value #CHECK_RTT} {type}: round-trip time of passing checks (failed ones have none: their reason is
 *       the measure)</li>
 * </ul>
 * Bind once: {@code new HealthMetrics(monitor).bindTo(registry)}.
 */
public final class HealthMetrics implements MeterBinder {

    public static final String CHECKS = "fulcrum.health.checks";
    public static final String TRANSITIONS = "fulcrum.health.transitions";
    public static final String POOL_ORIGINS = "fulcrum.pool.origins";
    public static final String PROBES_IN_FLIGHT = "fulcrum.health.probes.in.flight";
    public static final String CHECK_RTT = "fulcrum.health.check.rtt";

    private final HealthMonitor monitor;

    public HealthMetrics(HealthMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(PROBES_IN_FLIGHT, monitor, HealthMonitor::probesInFlight)
                .description("Health probe attempts in flight").register(registry);
        final MultiGauge poolOrigins = MultiGauge.builder(POOL_ORIGINS)
                .description("Enabled origins of monitored pools, by health state").register(registry);
        monitor.recorder(new CheckRecorder() {
            @Override
            public void checked(ProbeTarget target, ProbeResult result) {
                Counter.builder(CHECKS).description("Finished health checks")
                        .tags("type", target.type(), "result", result.passed() ? "pass" : "fail",
                                "reason", result.reason().text())
                        .register(registry).increment();
                if (result.passed() && result.rttNanos() >= 0) {
                    Timer.builder(CHECK_RTT).description("Round-trip time of passing health checks")
                            .tag("type", target.type()).register(registry)
                            .record(result.rttNanos(), TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void transitioned(OriginState to) {
                Counter.builder(TRANSITIONS).description("Origin health transitions")
                        .tag("to", to.name().toLowerCase(Locale.ROOT)).register(registry).increment();
            }

            @Override
            public void published(ConfigSnapshot config, HealthSnapshot health) {
                poolOrigins.register(rows(config, health), true);
            }
        });
    }

    private static List<MultiGauge.Row<?>> rows(ConfigSnapshot config, HealthSnapshot health) {
        final List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (final Pool pool : config.pools().values()) {
            if (!pool.enabled() || pool.monitor() == null) {
                continue;
            }
            final Map<OriginState, Integer> counts = new EnumMap<>(OriginState.class);
            for (final OriginState state : OriginState.values()) {
                counts.put(state, 0);
            }
            for (final Origin origin : pool.origins()) {
                if (origin.enabled()) {
                    final OriginHealth result = health.origin(pool.id(),
                            HealthSnapshot.originKey(origin.address(), origin.port()));
                    final OriginState state = result == null ? OriginState.UNKNOWN
                            : result.healthy() ? OriginState.HEALTHY : OriginState.UNHEALTHY;
                    counts.merge(state, 1, Integer::sum);
                }
            }
            counts.forEach((state, count) -> rows.add(MultiGauge.Row.of(Tags.of("pool", pool.name(), "pool_id",
                    pool.id(), "state", state.name().toLowerCase(Locale.ROOT)), count)));
        }
        return rows;
    }
}
