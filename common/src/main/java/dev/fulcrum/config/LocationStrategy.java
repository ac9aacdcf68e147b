package dev.fulcrum.config;

/** DNS-only location choice, stored and echoed (spec §1). */
public record LocationStrategy(String mode, String preferEcs) {

    public static final LocationStrategy DEFAULT = new LocationStrategy("pop", "proximity");
}
