package dev.fulcrum.config;

/**
 * A custom rule, spec §6. {@code overrides} and {@code fixedResponse} are nullable (one of them is set).
 */
public record Rule(String name, String condition, boolean disabled, int priority, boolean terminates,
                   FixedResponse fixedResponse, RuleOverrides overrides) {
}
