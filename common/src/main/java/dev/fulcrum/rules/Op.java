package dev.fulcrum.rules;

import java.util.EnumSet;
import java.util.Set;

/** The comparison operators (spec §6.1), English and C-like spellings, and the types each applies to. */
enum Op {
    EQ("eq", "==", EnumSet.of(Type.STRING, Type.INT, Type.IP, Type.BOOL)),
    NE("ne", "!=", EnumSet.of(Type.STRING, Type.INT, Type.IP, Type.BOOL)),
    LT("lt", "<", EnumSet.of(Type.STRING, Type.INT)),
    LE("le", "<=", EnumSet.of(Type.STRING, Type.INT)),
    GT("gt", ">", EnumSet.of(Type.STRING, Type.INT)),
    GE("ge", ">=", EnumSet.of(Type.STRING, Type.INT)),
    CONTAINS("contains", null, EnumSet.of(Type.STRING)),
    MATCHES("matches", "~", EnumSet.of(Type.STRING)),
    IN("in", null, EnumSet.of(Type.STRING, Type.INT, Type.IP)),
    WILDCARD("wildcard", null, EnumSet.of(Type.STRING)),
    STRICT_WILDCARD("strict wildcard", null, EnumSet.of(Type.STRING));

    final String word;
    /** The C-like spelling, or null when there is none. */
    final String symbol;
    private final Set<Type> types;

    Op(String word, String symbol, Set<Type> types) {
        this.word = word;
        this.symbol = symbol;
        this.types = types;
    }

    boolean appliesTo(Type type) {
        return types.contains(type);
    }

    /** The English operator spelled {@code word}, or null. {@code strict} alone names {@link #STRICT_WILDCARD}. */
    static Op ofWord(String word) {
        for (Op op : values()) {
            if (op.word.equals(word)) {
                return op;
            }
        }
        return "strict".equals(word) ? STRICT_WILDCARD : null;
    }

    /** What may follow a value of {@code type}, for error messages. */
    static String forType(Type type) {
        final StringBuilder sb = new StringBuilder();
        for (Op op : values()) {
            if (op.appliesTo(type)) {
                sb.append(sb.length() == 0 ? "" : ", ").append(op.word);
                if (op.symbol != null) {
                    sb.append(" (").append(op.symbol).append(')');
                }
            }
        }
        return sb.length() == 0 ? "no operator" : sb.toString();
    }
}
