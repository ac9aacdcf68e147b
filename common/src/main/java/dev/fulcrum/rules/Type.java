package dev.fulcrum.rules;

/** The types of the rules language that load balancer fields and functions produce (spec §6.1). */
enum Type {
    STRING("a string"),
    INT("an integer"),
    BOOL("a boolean"),
    IP("an IP address"),
    STRING_ARRAY("an array of strings"),
    BOOL_ARRAY("an array of booleans"),
    /** Keys map to arrays of strings ({@code http.request.headers}, {@code http.request.uri.args}). */
    STRING_MAP("a map of string arrays");

    final String description;

    Type(String description) {
        this.description = description;
    }

    boolean isArray() {
        return this == STRING_ARRAY || this == BOOL_ARRAY;
    }

    /** The element type of an array type. */
    Type element() {
        return switch (this) {
            case STRING_ARRAY -> STRING;
            case BOOL_ARRAY -> BOOL;
            default -> throw new IllegalStateException(name() + " is not an array");
        };
    }
}
