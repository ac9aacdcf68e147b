package dev.fulcrum.rules;

/** A compiled condition node: true or false for one request. Also a {@link Value} of type BOOL. */
@FunctionalInterface
interface Check extends Value {

    boolean test(RuleInput in);

    @Override
    default Object get(RuleInput in) {
        return test(in);
    }

    Check TRUE = in -> true;
    Check FALSE = in -> false;
}
