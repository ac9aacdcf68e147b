package dev.fulcrum.rules;

/**
 * A typed value while parsing: a field, an indexed field or a function call. {@code each} marks {@code x[*]}: the
 * value is then the whole array and {@code type} its element type, so what follows applies to every element.
 *
 * @param field    the field when the term is a bare map field (only those can be indexed by key), else null
 * @param position where the term starts, for errors
 * @param text     the term's source text, for errors
 */
record Term(Value value, Type type, boolean each, Field field, int position, String text) {

    String describe() {
        return text + " (" + (each ? "each element: " : "") + type.description + ")";
    }
}
