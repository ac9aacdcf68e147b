package dev.fulcrum.config;

/** A pool's load shedding, spec §2.2. Percentages are 0–100. */
public record LoadShedding(double defaultPercent, String defaultPolicy, double sessionPercent, String sessionPolicy) {
}
