package dev.fulcrum.config;

/** Zero-downtime failover across pools, spec §1 and §8.3. */
public record AdaptiveRouting(boolean failoverAcrossPools) {

    public static final AdaptiveRouting DEFAULT = new AdaptiveRouting(false);
}
