package dev.fulcrum.health;

import java.time.Instant;
import java.util.List;

/**
 * The state of one monitor preview (spec §7.1): the candidate monitor run once against every enabled origin of
 * the listed pools. The API maps it to {@code {"<poolId>":{healthy, origins:[{"<address>":{…}}]}}}.
 *
 * @param id       32 lowercase hex characters
 * @param complete false while some origin's check is still running (those origins are UNKNOWN)
 * @param pools    in the order they were given
 */
public record Preview(String id, Instant createdAt, boolean complete, List<PoolPreview> pools) {

    public Preview {
        pools = List.copyOf(pools);
    }

    /**
     * One pool's preview.
     *
     * @param healthy whether at least {@code minimum_origins} of the checked origins passed
     * @param origins the pool's enabled origins in configuration order
     */
    public record PoolPreview(String poolId, String poolName, boolean healthy, List<OriginStatus> origins) {

        public PoolPreview {
            origins = List.copyOf(origins);
        }
    }
}
