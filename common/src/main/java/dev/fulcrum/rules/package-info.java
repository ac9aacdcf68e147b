/**
 * Custom rule conditions (spec §6.1): the Cloudflare Rules language subset a load balancer's {@code rules[]} use.
 * {@link dev.fulcrum.rules.Condition#compile} parses and type-checks a condition once, into an immutable tree;
 * {@link dev.fulcrum.rules.Condition#matches} evaluates it against one request's
 * {@link dev.fulcrum.rules.RuleInput}. The package depends on nothing else of Fulcrum, so the configuration
 * reader (validation) and the router (evaluation) share one compiler.
 *
 * <p>Nullness: parameters and results are non-null unless documented.
 */
package dev.fulcrum.rules;
