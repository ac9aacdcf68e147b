package dev.fulcrum.rules;

/** An operator with its compiled right-hand side, applied to one present value of the left-hand type. */
@FunctionalInterface
interface ValueTest {

    boolean test(Object value);
}
