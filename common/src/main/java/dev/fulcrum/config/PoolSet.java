package dev.fulcrum.config;

/**
 * A pool set of a load balancer (spec §4.6): when its {@code match} matches the request's location, its overrides
 * replace the load balancer's pool selection, or its fixed response answers.
 *
 * @param name          nullable: Cloudflare's schema makes the name optional
 * @param match         nullable: no match applies the set to every request
 * @param overrides     nullable; when set, {@code pools} is set and only the pool-set subset of rule overrides is
 *                      used ({@code pools}, {@code pool_weights}, {@code pool_default_weight}, {@code fallback_pool},
 *                      {@code steering_policy})
 * @param fixedResponse nullable; exactly one of {@code overrides} and {@code fixedResponse} is set
 */
public record PoolSet(String name, boolean disabled, PoolSetMatch match, RuleOverrides overrides,
                      FixedResponse fixedResponse) {
}
