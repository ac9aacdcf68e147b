package dev.fulcrum.config;

/**
 * One reason a configuration value was refused, with Cloudflare's error code (spec §7.4).
 *
 * @param path     the field, e.g. {@code origins[2].weight}
 * @param message  the full message as the API returns it, e.g. {@code origins[2].weight: 1.5 (expected: 0-1): validation failed}
 * @param cfCode   Cloudflare's error code, usually 1002
 */
public record ConfigError(String path, String message, int cfCode) {
}
