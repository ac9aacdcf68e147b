package dev.fulcrum.runtime;

/**
 * The runtime could not start; the message alone tells an operator what is wrong and where (a file, a port), so a
 * launcher can print it without a stack trace.
 */
public final class FulcrumStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FulcrumStartException(String message, Throwable cause) {
        super(message, cause);
    }

    public FulcrumStartException(String message) {
        super(message);
    }
}
