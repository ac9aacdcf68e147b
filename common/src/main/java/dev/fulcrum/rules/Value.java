package dev.fulcrum.rules;

/**
 * A compiled value-producing node. The Java type of the result follows the node's {@link Type}: STRING
 * {@code String}, INT {@code Long}, BOOL {@code Boolean}, IP {@code byte[]}, arrays {@code List}. Null means the
 * value is absent (an index past the end, an unknown client address): every comparison with it is false.
 */
@FunctionalInterface
interface Value {

    Object get(RuleInput in);
}
