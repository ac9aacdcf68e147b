package dev.fulcrum.metrics;

import dev.fulcrum.health.HealthMetrics;
import dev.fulcrum.health.OriginState;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the {@value HealthMetrics#POOL_ORIGINS} rows of the health engine's meters straight into a scrape (see
 * {@link GaugeRows}): three rows per monitored, enabled pool, their text rendered at the pool's first scrape and
 * kept while the pool keeps its {@link HealthMetrics.PoolOrigins} instance (its name).
 *
 * <p>Thread safety: scrapes may run concurrently with each other and with the health engine's publishing.
 */
final class PoolOriginText {

    private static final OriginState[] STATES = OriginState.values();
    private static final byte[] HEADER = GaugeRows.header(HealthMetrics.POOL_ORIGINS,
            HealthMetrics.POOL_ORIGINS_HELP);
    private static final GaugeRows.Format ROW = GaugeRows.format(HealthMetrics.POOL_ORIGINS, "pool", "pool_id",
            "state");

    private final HealthMetrics meters;
    /** Pool id → its rows' text, for the instance it was rendered from. */
    private final Map<String, Text> texts = new ConcurrentHashMap<>();

    private record Text(HealthMetrics.PoolOrigins pool, byte[][] rows) {
    }

    PoolOriginText(HealthMetrics meters) {
        this.meters = meters;
    }

    void writeTo(GaugeRows out) throws IOException {
        out.family(HEADER);
        int pools = 0;
        for (final HealthMetrics.PoolOrigins pool : meters.poolOrigins()) {
            final byte[][] rows = text(pool);
            for (int i = 0; i < STATES.length; i++) {
                out.row(rows[i], pool.count(STATES[i]));
            }
            pools++;
        }
        if (texts.size() > pools) {
            // Pools no longer monitored, renamed or gone: keep only the instances written now.
            final Map<String, HealthMetrics.PoolOrigins> live = new HashMap<>();
            meters.poolOrigins().forEach(pool -> live.put(pool.poolId(), pool));
            texts.values().removeIf(text -> live.get(text.pool().poolId()) != text.pool());
        }
    }

    /** Rows whose text is kept (tests). */
    int textRows() {
        return texts.size() * STATES.length;
    }

    private byte[][] text(HealthMetrics.PoolOrigins pool) {
        final Text kept = texts.get(pool.poolId());
        if (kept != null && kept.pool() == pool) {
            return kept.rows();
        }
        final byte[][] rows = new byte[STATES.length][];
        for (int i = 0; i < STATES.length; i++) {
            rows[i] = ROW.prefix(pool.poolName(), pool.poolId(), STATES[i].name().toLowerCase(Locale.ROOT));
        }
        texts.put(pool.poolId(), new Text(pool, rows));
        return rows;
    }
}
