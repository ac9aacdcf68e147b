package dev.fulcrum.rules;

/**
 * A condition that does not compile: where (a 0-based index into the text), what is wrong and what was expected.
 * The message reads {@code at column 12: unknown operator "eqq" (expected: an operator such as eq, ne, …)}, ready
 * to follow a field path in a 1002 validation error.
 */
public final class ConditionException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int position;
    private final String problem;
    private final String expected;

    ConditionException(int position, String problem, String expected) {
        super("at column " + (position + 1) + ": " + problem + " (expected: " + expected + ")", null, false, false);
        this.position = position;
        this.problem = problem;
        this.expected = expected;
    }

    /** The 0-based index into the condition where the problem was found. */
    public int position() {
        return position;
    }

    public String problem() {
        return problem;
    }

    public String expected() {
        return expected;
    }
}
